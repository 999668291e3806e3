using System.CommandLine;
using Spectre.Console;

namespace ModelGen.Samples.Mnist.Cli;

/// <summary>The command line: train, evaluate and predict. Program.cs and the tests both enter here.</summary>
public static class MnistCli
{
    /// <summary>
    /// Parses <paramref name="args"/> and runs the command. Progress and results go to
    /// <paramref name="console"/>, help to <paramref name="output"/>, errors to <paramref name="error"/>.
    /// Returns the exit code: 0 on success, 1 after an error, 2 when predict classified some images but
    /// not all, 130 when <paramref name="cancellationToken"/> stopped the command (Program.cs cancels it on
    /// Ctrl+C or SIGTERM, and waits for the command to clean up).
    /// </summary>
    public static Task<int> RunAsync(string[] args, IAnsiConsole console, TextWriter output, TextWriter error, CancellationToken cancellationToken = default)
    {
        var root = new RootCommand("The ModelGen MNIST sample: a 784 → 128 ReLU → 10 softmax network or Keras' convnet, declared with attributes and compiled to C# by ModelGen.")
        {
            TrainCommand.Create(console, error),
            EvaluateCommand.Create(console, error),
            PredictCommand.Create(console, error),
        };
        // No command: one line saying what to type, not the whole help.
        root.SetAction(async (_, _) =>
        {
            await error.WriteLineAsync("error: name a command: train, evaluate or predict (mnist --help describes them).").ConfigureAwait(false);
            return CommandErrors.Failure;
        });
        ParseResult parsed = root.Parse(args);
        // A mistyped command line gets its one-line error (and a typo suggestion), not the whole help.
        if (parsed.Action is System.CommandLine.Invocation.ParseErrorAction parseError) parseError.ShowHelp = false;
        // ProcessTerminationTimeout null: System.CommandLine does not handle Ctrl+C itself. Its handler would
        // stop waiting for the command after a timeout and let the process end in the middle of a save;
        // the caller's token is cancelled instead, and the command always finishes its clean-up.
        return parsed.InvokeAsync(new InvocationConfiguration { Output = output, Error = error, ProcessTerminationTimeout = null }, cancellationToken);
    }

    /// <summary>The width given to a console that is not a terminal: wide enough that no message is ever wrapped.</summary>
    public const int UnwrappedWidth = 100_000;

    /// <summary>A console without colours, animation or terminal queries that writes to <paramref name="writer"/>: for tests and logs.</summary>
    public static IAnsiConsole PlainConsole(TextWriter writer)
    {
        IAnsiConsole console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
            Out = new AnsiConsoleOutput(writer),
        });
        // Not a terminal: keep every message on one line instead of wrapping at 80 columns.
        console.Profile.Width = UnwrappedWidth;
        return console;
    }
}
