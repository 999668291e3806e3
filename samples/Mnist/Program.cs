using System.Runtime.InteropServices;
using ModelGen.Samples.Mnist.Cli;
using Spectre.Console;

// Written to a file or a pipe, Spectre would wrap lines at its assumed width, in the middle of paths;
// a log is read by tools and searched, so each message stays on one line however long.
if (Console.IsOutputRedirected) AnsiConsole.Profile.Width = MnistCli.UnwrappedWidth;

// Ctrl+C (SIGINT) or SIGTERM asks the command to stop: it stops training or saving, removes its temporary
// files, says "cancelled" and exits with 130. A second Ctrl+C ends the process at once, as usual.
using var cancellation = new CancellationTokenSource();
void OnSignal(PosixSignalContext context)
{
    if (cancellation.IsCancellationRequested) return;
    context.Cancel = true;
    cancellation.Cancel();
}
using PosixSignalRegistration sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
using PosixSignalRegistration sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);

// The whole program is the command line; tests call MnistCli.RunAsync the same way.
return await MnistCli.RunAsync(args, AnsiConsole.Console, Console.Out, Console.Error, cancellation.Token);
