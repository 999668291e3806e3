using System.Diagnostics;
using System.Text;

namespace ModelGen.Mnist.Tests;

/// <summary>
/// The built command line (mnist.dll, copied beside the tests) run as a child process, through Program.cs:
/// for what only a real process shows, such as signals, OS locks held by two processes, and output to a pipe.
/// </summary>
public sealed class CliProcess : IDisposable
{
    // Generous: a wait only ends this early when something is broken, and then the test fails instead of hanging.
    private static readonly TimeSpan s_patience = TimeSpan.FromMinutes(2);

    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly StringBuilder _error = new();
    private readonly List<(string Text, TaskCompletionSource Seen)> _waits = [];
    private readonly TaskCompletionSource _outputClosed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _errorClosed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private CliProcess(IReadOnlyDictionary<string, string>? environment, string[] args)
    {
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "mnist.dll"));
        foreach (string arg in args) start.ArgumentList.Add(arg);
        // Never the network: data comes from --data, and a download attempt would go to a closed loopback port.
        start.Environment["MODELGEN_MNIST_MIRRORS"] = "http://127.0.0.1:9/";
        foreach (var (name, value) in environment ?? new Dictionary<string, string>()) start.Environment[name] = value;
        _process = new Process { StartInfo = start };
        _process.OutputDataReceived += (_, e) => Received(e.Data, _output, _outputClosed);
        _process.ErrorDataReceived += (_, e) => Received(e.Data, _error, _errorClosed);
        _process.Start();
        _process.StandardInput.Close();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    /// <summary>The child's process id.</summary>
    public int Id => _process.Id;

    /// <summary>Starts <c>mnist <paramref name="args"/></c>.</summary>
    public static CliProcess Start(params string[] args) => new(null, args);

    /// <summary>Starts <c>mnist <paramref name="args"/></c> with extra environment variables.</summary>
    public static CliProcess Start(IReadOnlyDictionary<string, string> environment, params string[] args) => new(environment, args);

    /// <summary>Runs <c>mnist <paramref name="args"/></c> to the end.</summary>
    public static async Task<CliRunner.Result> RunAsync(params string[] args)
    {
        using CliProcess process = Start(args);
        return await process.WaitForExitAsync();
    }

    /// <summary>Waits until a line of standard output contains <paramref name="text"/>; fails if the process ends first.</summary>
    public async Task WaitForOutputAsync(string text)
    {
        TaskCompletionSource seen;
        lock (_output)
        {
            if (_output.ToString().Contains(text, StringComparison.Ordinal)) return;
            seen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waits.Add((text, seen));
        }
        Task first = await Task.WhenAny(seen.Task, _outputClosed.Task, Task.Delay(s_patience));
        Assert.True(first == seen.Task, $"the process never printed '{text}'\n{Snapshot()}");
    }

    /// <summary>Sends <paramref name="signal"/> (INT, TERM, KILL) to the child with kill(1).</summary>
    public void Signal(string signal)
    {
        using Process kill = Process.Start("kill", ["-" + signal, Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])!;
        kill.WaitForExit();
        Assert.Equal(0, kill.ExitCode);
    }

    /// <summary>Waits for the child to end and returns its exit code and output.</summary>
    public async Task<CliRunner.Result> WaitForExitAsync()
    {
        using (var patience = new CancellationTokenSource(s_patience))
        {
            try
            {
                await _process.WaitForExitAsync(patience.Token);
                await Task.WhenAll(_outputClosed.Task, _errorClosed.Task).WaitAsync(patience.Token);
            }
            catch (OperationCanceledException)
            {
                Assert.Fail($"the process did not end\n{Snapshot()}");
            }
        }
        return Snapshot();
    }

    private CliRunner.Result Snapshot()
    {
        lock (_output) lock (_error) return new CliRunner.Result(_process.HasExited ? _process.ExitCode : -1, _output.ToString(), _error.ToString());
    }

    private void Received(string? line, StringBuilder into, TaskCompletionSource closed)
    {
        if (line is null)
        {
            closed.TrySetResult();
            return;
        }
        lock (into)
        {
            into.Append(line).Append('\n');
            if (into != _output) return;
            foreach (var (text, seen) in _waits)
                if (line.Contains(text, StringComparison.Ordinal)) seen.TrySetResult();
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (!_process.HasExited)
        {
            try { _process.Kill(entireProcessTree: true); }
            catch (InvalidOperationException) { }
            _process.WaitForExit();
        }
        _process.Dispose();
    }
}
