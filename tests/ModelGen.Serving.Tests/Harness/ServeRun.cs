using System.Text.RegularExpressions;
using ModelGen.Samples.Serve.Cli;

namespace ModelGen.Serving.Tests.Harness;

/// <summary>The Serve sample's command line run in-process, as Program.cs runs it, on a port the system picks.</summary>
public sealed partial class ServeRun : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly StringWriter _output = new();
    private readonly StringWriter _error = new();
    private readonly TextWriter _syncOutput;
    private readonly TextWriter _syncError;
    private readonly Task<int> _run;

    private ServeRun(string[] args)
    {
        _syncOutput = TextWriter.Synchronized(_output);
        _syncError = TextWriter.Synchronized(_error);
        _run = Task.Run(() => ServeCli.RunAsync(args, _syncOutput, _syncError, _stop.Token));
    }

    /// <summary>Starts <c>serve <paramref name="args"/> --urls http://127.0.0.1:0</c>.</summary>
    public static ServeRun Start(params string[] args) => new([.. args, "--urls", "http://127.0.0.1:0"]);

    /// <summary>Runs <c>serve <paramref name="args"/></c> to its end: (exit code, standard error's lines).</summary>
    public static async Task<(int ExitCode, string[] ErrorLines)> RunToEndAsync(params string[] args)
    {
        await using var run = new ServeRun(args);
        int exitCode = await run._run.WaitAsync(TimeSpan.FromSeconds(60));
        return (exitCode, run.ErrorLines);
    }

    public string[] ErrorLines => _error.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>The address from the "Serving ... on http://127.0.0.1:PORT" line, once the server is up.</summary>
    public async Task<Uri> AddressAsync()
    {
        for (int wait = 0; wait < 600; wait++)
        {
            if (AddressLine().Match(_output.ToString()) is { Success: true } match) return new Uri(match.Groups[1].Value);
            if (_run.IsCompleted) throw new InvalidOperationException($"serve ended with {await _run}: {_error}");
            await Task.Delay(50);
        }
        throw new TimeoutException("serve did not start within 30 s: " + _output);
    }

    /// <summary>Stops the server (as SIGTERM would) and returns its exit code.</summary>
    public async Task<int> StopAsync()
    {
        await _stop.CancelAsync();
        return await _run.WaitAsync(TimeSpan.FromSeconds(60));
    }

    public async ValueTask DisposeAsync()
    {
        if (!_run.IsCompleted) await StopAsync();
        _stop.Dispose();
        _output.Dispose();
        _error.Dispose();
    }

    [GeneratedRegex(@"^Serving .* on (http://127\.0\.0\.1:\d+)", RegexOptions.Multiline)]
    private static partial Regex AddressLine();
}
