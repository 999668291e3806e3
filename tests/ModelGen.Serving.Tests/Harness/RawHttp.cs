using System.Net.Sockets;
using System.Text;

namespace ModelGen.Serving.Tests.Harness;

/// <summary>
/// A POST written by hand on a loopback socket, its body in two parts with a pause between: a slow client, or a
/// request still in flight when the server is told to stop. HttpClient cannot hold a body half-sent on purpose.
/// </summary>
public static class RawHttp
{
    /// <summary>Sends the head and <paramref name="splitAt"/> bytes of <paramref name="body"/>, runs <paramref name="between"/>, sends the rest and returns the whole answer.</summary>
    public static async Task<(int Status, string Body)> PostInTwoPartsAsync(Uri server, string path, string body, int splitAt, Func<Task> between)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(body);
        using var client = new TcpClient();
        await client.ConnectAsync(server.Host, server.Port);
        NetworkStream stream = client.GetStream();
        string head = $"POST {path} HTTP/1.1\r\nHost: {server.Authority}\r\nContent-Type: application/json\r\nContent-Length: {bytes.Length}\r\nConnection: close\r\n\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head));
        await stream.WriteAsync(bytes.AsMemory(0, splitAt));
        await stream.FlushAsync();
        await between();
        try
        {
            await stream.WriteAsync(bytes.AsMemory(splitAt));
        }
        catch (IOException)
        {
            // The server answered early and closed: its answer is still there to read.
        }
        using var reader = new StreamReader(stream, Encoding.UTF8);
        string answer = await reader.ReadToEndAsync();
        int status = int.Parse(answer.AsSpan(9, 3), provider: System.Globalization.CultureInfo.InvariantCulture);
        return (status, answer[(answer.IndexOf("\r\n\r\n", StringComparison.Ordinal) + 4)..]);
    }
}
