using System.CommandLine;
using Spectre.Console;

namespace ModelGen.Samples.Mnist.Cli;

/// <summary>The command line: train, evaluate and predict. Program.cs and the tests both enter here.</summary>
public static class MnistCli
{
    /// <summary>
    /// Parses <paramref name="args"/> and runs the command. Progress and results go to
    /// <paramref name="console"/>, help to <paramref name="output"/>, errors to <paramref name="error"/>.
    /// Returns the exit code: 0 on success, non-zero after an error.
    /// </summary>
    public static Task<int> RunAsync(string[] args, IAnsiConsole console, TextWriter output, TextWriter error, CancellationToken cancellationToken = default)
    {
        var root = new RootCommand("The ModelGen MNIST sample: a 784 → 128 ReLU → 10 softmax network or Keras' convnet, declared with attributes and compiled to C# by ModelGen.")
        {
            TrainCommand.Create(console, error),
            EvaluateCommand.Create(console, error),
            PredictCommand.Create(console, error),
        };
        ParseResult parsed = root.Parse(args);
        // A mistyped command line gets its one-line error (and a typo suggestion), not the whole help.
        if (parsed.Action is System.CommandLine.Invocation.ParseErrorAction parseError) parseError.ShowHelp = false;
        return parsed.InvokeAsync(new InvocationConfiguration { Output = output, Error = error }, cancellationToken);
    }

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
        console.Profile.Width = 1000;
        return console;
    }
}
