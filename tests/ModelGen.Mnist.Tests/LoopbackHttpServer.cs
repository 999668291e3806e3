using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace ModelGen.Mnist.Tests;

/// <summary>
/// A minimal HTTP/1.1 server on 127.0.0.1 and an ephemeral port, for download tests that must not
/// leave the machine. Each path answers with a fixed status and body; it can also announce a longer
/// body than it sends, to act out a connection that drops mid-download.
/// </summary>
public sealed class LoopbackHttpServer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentDictionary<string, Response> _routes = new();
    private readonly Task _loop;

    /// <summary>What one path answers.</summary>
    public sealed record Response(int Status, byte[] Body, long? AnnouncedLength = null);

    /// <summary>Starts listening.</summary>
    public LoopbackHttpServer()
    {
        _listener.Start();
        _loop = Task.Run(AcceptLoopAsync);
    }

    /// <summary>The base URL, ending with a slash.</summary>
    public Uri BaseUrl => new($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/");

    /// <summary>The paths requested so far, in order.</summary>
    public ConcurrentQueue<string> Requests { get; } = new();

    /// <summary>Serves <paramref name="body"/> at /<paramref name="name"/>.</summary>
    public void Serve(string name, byte[] body, int status = 200, long? announcedLength = null) =>
        _routes["/" + name] = new Response(status, body, announcedLength);

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try { client = await _listener.AcceptTcpClientAsync(_stop.Token); }
            catch (OperationCanceledException) { return; }
            catch (ObjectDisposedException) { return; }
            // Stopped before the loop first reached Accept (a test that never made a request): nothing to serve.
            catch (InvalidOperationException) when (_stop.IsCancellationRequested) { return; }
            _ = Task.Run(() => HandleAsync(client));
        }
    }

    private async Task HandleAsync(TcpClient client)
    {
        using (client)
        {
            try
            {
                NetworkStream stream = client.GetStream();
                using var reader = new StreamReader(stream, Encoding.ASCII, false, 1024, leaveOpen: true);
                string? requestLine = await reader.ReadLineAsync();
                if (requestLine is null) return;
                while (!string.IsNullOrEmpty(await reader.ReadLineAsync())) { }
                string path = requestLine.Split(' ')[1];
                Requests.Enqueue(path);
                Response response = _routes.TryGetValue(path, out Response? r) ? r : new Response(404, Encoding.ASCII.GetBytes("not found"));
                string reason = response.Status switch { 200 => "OK", 404 => "Not Found", 500 => "Internal Server Error", _ => "Status" };
                string head = $"HTTP/1.1 {response.Status} {reason}\r\nContent-Type: application/octet-stream\r\n" +
                              $"Content-Length: {response.AnnouncedLength ?? response.Body.Length}\r\nConnection: close\r\n\r\n";
                await stream.WriteAsync(Encoding.ASCII.GetBytes(head));
                await stream.WriteAsync(response.Body);
                await stream.FlushAsync();
            }
            catch (IOException)
            {
                // The client hung up; nothing to do.
            }
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _loop;
        _stop.Dispose();
    }
}
