using ModelGen.Samples.Mnist.Cli;
using Spectre.Console;

// The whole program is the command line; tests call MnistCli.RunAsync the same way.
return await MnistCli.RunAsync(args, AnsiConsole.Console, Console.Out, Console.Error);
