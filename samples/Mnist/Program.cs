using ModelGen.Samples.Mnist.Cli;
using Spectre.Console;

// Written to a file or a pipe, Spectre assumes 80 columns and wraps the epoch lines; a log has room.
if (Console.IsOutputRedirected && AnsiConsole.Profile.Width < 120) AnsiConsole.Profile.Width = 120;

// The whole program is the command line; tests call MnistCli.RunAsync the same way.
return await MnistCli.RunAsync(args, AnsiConsole.Console, Console.Out, Console.Error);
