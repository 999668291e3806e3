using System.Globalization;
using System.Text.Json;
using ModelGen.Samples.Mnist;

namespace ModelGen.Mnist.Tests;

/// <summary>The whole command line on a small dataset in MNIST's format given with --data: quick, and no real MNIST needed.</summary>
public sealed class SyntheticDataCliTests : IDisposable
{
    private readonly TestFolder _data = new();
    private readonly TestFolder _out = new();

    public SyntheticDataCliTests() => IdxFiles.Write(_data.Path, SyntheticDigits.Make(1000, 21), SyntheticDigits.Make(300, 22));

    public void Dispose()
    {
        _data.Dispose();
        _out.Dispose();
    }

    [Fact]
    public async Task An_unusable_output_path_is_a_one_line_error()
    {
        var train = await CliRunner.RunAsync("train", "--data", _data.Path, "--out", "bad\0name");
        Assert.StartsWith("error: --out: 'bad", CliRunner.AssertOneLineError(train));
    }

    [Fact]
    public async Task A_diverged_run_stops_with_a_one_line_error_and_writes_nothing()
    {
        var train = await CliRunner.RunAsync("train", "--data", _data.Path, "--out", _out.Path, "--epochs", "2", "--optimizer", "sgd", "--learning-rate", "1e38");

        string error = CliRunner.AssertOneLineError(train);
        Assert.StartsWith("error: training diverged in epoch 1: the parameters are no longer finite numbers", error);
        Assert.Contains("Try a smaller --learning-rate than 1E+38.", error);
        Assert.False(File.Exists(_out.File("model.safetensors")));
    }

    [Fact]
    public async Task Train_writes_the_model_metrics_and_figures_and_evaluate_and_predict_read_them()
    {
        var train = await CliRunner.RunAsync("train", "--data", _data.Path, "--out", _out.Path, "--epochs", "2", "--batch-size", "48", "--seed", "5");

        Assert.True(train.ExitCode == 0, train.ToString());
        Assert.Equal("", train.Error);
        Assert.True(train.Output.Contains("Epoch 1/2") && train.Output.Contains("Epoch 2/2"), train.ToString());

        using JsonDocument metrics = OutputFiles.ReadMetrics(_out.File("metrics.json"));
        JsonElement root = metrics.RootElement;
        JsonElement hyper = root.GetProperty("hyperparameters");
        Assert.Equal(2, hyper.GetProperty("epochs").GetInt32());
        Assert.Equal(48, hyper.GetProperty("batchSize").GetInt32());
        Assert.Equal(0.001, hyper.GetProperty("learningRate").GetDouble());
        Assert.Equal("adam", hyper.GetProperty("optimizer").GetString());
        Assert.Equal(5UL, hyper.GetProperty("seed").GetUInt64());
        Assert.Equal(2, root.GetProperty("history").GetArrayLength());
        Assert.Equal(1000, root.GetProperty("data").GetProperty("trainImages").GetInt32());
        double accuracy = root.GetProperty("testAccuracy").GetDouble();
        Assert.True(accuracy > 0.9, $"accuracy {accuracy}");
        Assert.True(root.GetProperty("totalSeconds").GetDouble() > 0);
        foreach (string png in new[] { "confusion_matrix.png", "samples.png", "training_curves.png" }) OutputFiles.AssertPng(_out.File(png));

        var evaluate = await CliRunner.RunAsync("evaluate", "--model", _out.File("model.safetensors"), "--data", _data.Path);
        Assert.True(evaluate.ExitCode == 0, evaluate.ToString());
        Assert.Contains($"Test accuracy {(100 * accuracy).ToString("F2", CultureInfo.InvariantCulture)}%", evaluate.Output);
        Assert.Contains("Confusion matrix", evaluate.Output);
        Assert.Contains("Precision", evaluate.Output);

        var predict = await CliRunner.RunAsync("predict", "--model", _out.File("model.safetensors"), "--data", _data.Path, "--index", "3", "--index", "299");
        Assert.True(predict.ExitCode == 0, predict.ToString());
        Assert.Contains("test image 3 (label", predict.Output);
        Assert.Contains("test image 299 (label", predict.Output);

        var outOfRange = await CliRunner.RunAsync("predict", "--model", _out.File("model.safetensors"), "--data", _data.Path, "--index", "300");
        Assert.Equal("error: --index 300: the test set has 300 images (0 to 299).", CliRunner.AssertOneLineError(outOfRange));
    }

    [Fact]
    public async Task A_batch_size_that_does_not_divide_the_set_trains_on_every_image()
    {
        var train = await CliRunner.RunAsync("train", "--data", _data.Path, "--out", _out.Path, "--epochs", "1", "--batch-size", "300", "--optimizer", "sgd");

        Assert.True(train.ExitCode == 0, train.ToString());
        using JsonDocument metrics = OutputFiles.ReadMetrics(_out.File("metrics.json"));
        Assert.Equal(0.01, metrics.RootElement.GetProperty("hyperparameters").GetProperty("learningRate").GetDouble());
        Assert.Equal("sgd", metrics.RootElement.GetProperty("hyperparameters").GetProperty("optimizer").GetString());
        var model = new MnistMlp();
        model.Load(_out.File("model.safetensors"));
        Assert.NotEqual(new MnistMlp(42).Parameters, model.Parameters);
    }
}
