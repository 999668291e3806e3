using System.Runtime.InteropServices;
using ModelGen.Samples.FromPyTorch.Cli;
using Spectre.Console;

// MNIST's acquisition reports on a Spectre console; written to a file or a pipe, keep each line whole.
if (Console.IsOutputRedirected) AnsiConsole.Profile.Width = 100_000;

// Ctrl+C or SIGTERM stops the fine-tuning between two steps; nothing is saved, and the exit code is 130.
using var cancellation = new CancellationTokenSource();
void OnSignal(PosixSignalContext context)
{
    if (cancellation.IsCancellationRequested) return;
    context.Cancel = true;
    cancellation.Cancel();
}
using PosixSignalRegistration sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
using PosixSignalRegistration sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);

return await SampleRun.RunAsync(args, AnsiConsole.Console, Console.Out, Console.Error, cancellation.Token);
