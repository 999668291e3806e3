using System.CommandLine;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using ModelGen.Samples.Serve.Hosting;
using ModelGen.Serialization;

namespace ModelGen.Samples.Serve.Cli;

/// <summary>The command line: serve a model file until SIGTERM or Ctrl+C. Program.cs and the tests both enter here.</summary>
public static class ServeCli
{
    /// <summary>The exit code after an error the user can fix, printed as one line.</summary>
    public const int Failure = 1;

    /// <summary>
    /// Parses <paramref name="args"/>, serves until the host is told to stop (SIGTERM, Ctrl+C, or
    /// <paramref name="cancellationToken"/>) and returns the exit code: 0 after a graceful stop, 1 after an error.
    /// What the server does goes to <paramref name="output"/> and the log; errors to <paramref name="error"/>.
    /// </summary>
    public static Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, CancellationToken cancellationToken = default)
    {
        var options = new ServeOptions();
        var root = new RootCommand("Serves a model file written by the MNIST sample's train (MLP, convnet or ResNet) over the Open Inference Protocol (KServe v2 REST), with Prometheus metrics at /metrics.");
        options.AddTo(root);
        root.SetAction((parsed, token) => ServeAsync(options.Read(parsed), output, error, token));
        ParseResult result = root.Parse(args);
        if (result.Action is System.CommandLine.Invocation.ParseErrorAction parseError) parseError.ShowHelp = false;
        return result.InvokeAsync(new InvocationConfiguration { Output = output, Error = error, ProcessTerminationTimeout = null }, cancellationToken);
    }

    private static async Task<int> ServeAsync(ServeSettings settings, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        try
        {
            MnistNetwork network = ModelFileCheck.Identify(settings.ModelPath);
            await using WebApplication app = ServeApp.Build(settings, network);
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
            ICollection<string> addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
            await output.WriteLineAsync(
                $"Serving {settings.ModelPath} ({network.Name}: {network.Summary}) as model '{settings.ModelName}' on {string.Join(", ", addresses)}; " +
                $"try GET {addresses.FirstOrDefault()}/v2/models/{settings.ModelName}. Ctrl+C stops.").ConfigureAwait(false);
            await app.WaitForShutdownAsync(cancellationToken).ConfigureAwait(false);
            return 0;
        }
        catch (Exception e) when (Describe(e) is { } message)
        {
            await error.WriteLineAsync("error: " + message).ConfigureAwait(false);
            return Failure;
        }
    }

    /// <summary>The one line for a failure the user can fix (a bad file, a port in use), or null for a bug.</summary>
    private static string? Describe(Exception exception) => exception switch
    {
        ServeException or ModelFileException or IOException or UnauthorizedAccessException or InvalidDataException => OneLine(exception.Message),
        // Kestrel's refusal of an address it cannot listen on.
        InvalidOperationException when exception.InnerException is IOException inner => OneLine(inner.Message),
        _ => null,
    };

    private static string OneLine(string message) =>
        string.Join(' ', message.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
}
