using ModelGen.Samples.Mnist.Cli;

namespace ModelGen.Mnist.Tests;

/// <summary>Runs the command line in-process, as Program.cs does, and captures what it prints.</summary>
public static class CliRunner
{
    /// <summary>The outcome of one run.</summary>
    public sealed record Result(int ExitCode, string Output, string Error)
    {
        /// <summary>The error output's lines, without the trailing empty one.</summary>
        public string[] ErrorLines => Error.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

        /// <summary>Stdout and stderr together, for failure messages.</summary>
        public override string ToString() => $"exit code {ExitCode}\n--- output ---\n{Output}\n--- error ---\n{Error}";
    }

    /// <summary>Runs <c>mnist <paramref name="args"/></c>.</summary>
    public static async Task<Result> RunAsync(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int exitCode = await MnistCli.RunAsync(args, MnistCli.PlainConsole(output), output, error);
        return new Result(exitCode, output.ToString(), error.ToString());
    }

    /// <summary>Asserts a failed run that printed exactly one line, an error with no stack trace, and returns it.</summary>
    public static string AssertOneLineError(Result result)
    {
        Assert.True(result.ExitCode != 0, result.ToString());
        string line = Assert.Single(result.ErrorLines);
        // No stack frame ("at Namespace.Type.Method(") and no exception type name.
        Assert.DoesNotMatch(@"\bat [\w.`<>]+\(", result.Error);
        Assert.DoesNotContain("Exception", result.Error);
        return line;
    }
}
