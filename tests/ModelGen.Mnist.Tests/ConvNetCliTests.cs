using System.Globalization;
using System.Text.Json;
using ModelGen.Samples.Mnist;
using ModelGen.Samples.Mnist.Data;
using ModelGen.Samples.Mnist.Training;

namespace ModelGen.Mnist.Tests;

/// <summary>train, evaluate and predict with --network cnn on a small synthetic set: one short epoch, to keep CI quick.</summary>
public sealed class ConvNetCliTests : IDisposable
{
    private readonly TestFolder _data = new();
    private readonly TestFolder _out = new();

    public ConvNetCliTests() => IdxFiles.Write(_data.Path, SyntheticDigits.Make(600, 31), SyntheticDigits.Make(200, 32));

    public void Dispose()
    {
        _data.Dispose();
        _out.Dispose();
    }

    [Fact]
    public async Task Train_evaluate_and_predict_the_convnet_which_evaluate_finds_from_the_file()
    {
        var train = await CliRunner.RunAsync("train", "--network", "cnn", "--data", _data.Path, "--out", _out.Path, "--epochs", "1", "--batch-size", "32");

        Assert.True(train.ExitCode == 0, train.ToString());
        Assert.Equal("", train.Error);
        Assert.Contains("Model: MnistConvNet", train.Output);
        using JsonDocument metrics = OutputFiles.ReadMetrics(_out.File("metrics.json"));
        JsonElement root = metrics.RootElement;
        Assert.Equal("cnn", root.GetProperty("network").GetString());
        Assert.Equal(nameof(MnistConvNet), root.GetProperty("model").GetString());
        Assert.Equal(MnistConvNet.Spec, root.GetProperty("spec").GetString());
        Assert.Equal(MnistConvNet.ParameterCount, root.GetProperty("parameterCount").GetInt32());
        // The recipe's learning rate, with the user's epochs and batch size.
        Assert.Equal(0.003, root.GetProperty("hyperparameters").GetProperty("learningRate").GetDouble());
        Assert.Equal(32, root.GetProperty("hyperparameters").GetProperty("batchSize").GetInt32());
        double accuracy = root.GetProperty("testAccuracy").GetDouble();
        Assert.True(accuracy > 0.5, $"accuracy {accuracy} after one epoch on the easy synthetic set");
        foreach (string png in new[] { "confusion_matrix.png", "samples.png", "training_curves.png" }) OutputFiles.AssertPng(_out.File(png));

        // No --network: the file's spec says it is the convnet.
        var evaluate = await CliRunner.RunAsync("evaluate", "--model", _out.File("model.safetensors"), "--data", _data.Path);
        Assert.True(evaluate.ExitCode == 0, evaluate.ToString());
        Assert.Contains("(cnn: ", evaluate.Output);
        Assert.Contains($"Test accuracy {(100 * accuracy).ToString("F2", CultureInfo.InvariantCulture)}%", evaluate.Output);

        var predict = await CliRunner.RunAsync("predict", "--model", _out.File("model.safetensors"), "--data", _data.Path, "--index", "5");
        Assert.True(predict.ExitCode == 0, predict.ToString());
        var model = new MnistConvNet();
        model.Load(_out.File("model.safetensors"));
        var test = MnistData.Load(_data.Path).Test;
        string row = Assert.Single(predict.Output.Split('\n'), line => line.Contains("test image 5"));
        Assert.Equal(model.PredictClass(test.Image(5)).ToString(CultureInfo.InvariantCulture), row.Split('│', StringSplitOptions.TrimEntries)[2]);
    }

    [Fact]
    public async Task The_same_seed_gives_the_same_convnet_file_byte_for_byte()
    {
        // Shuffles, initial weights and dropout masks all come from the seed.
        using var again = new TestFolder();
        string[] common = ["train", "--network", "cnn", "--data", _data.Path, "--epochs", "1", "--batch-size", "64", "--seed", "9"];

        var first = await CliRunner.RunAsync([.. common, "--out", _out.Path]);
        var second = await CliRunner.RunAsync([.. common, "--out", again.Path]);

        Assert.True(first.ExitCode == 0 && second.ExitCode == 0, first + "\n" + second);
        Assert.Equal(File.ReadAllBytes(_out.File("model.safetensors")), File.ReadAllBytes(again.File("model.safetensors")));
        Assert.Equal(OutputFiles.WithoutTimings(_out.File("metrics.json")), OutputFiles.WithoutTimings(again.File("metrics.json")));
    }

    [Fact]
    public void The_convnet_recipe_is_keras_with_one_cycle_and_random_crops()
    {
        TrainingOptions recipe = MnistNetwork.Cnn.Recipe;
        Assert.Equal((15, 128, 3e-3, OptimizerKind.Adam, ScheduleKind.OneCycle, 2), (recipe.Epochs, recipe.BatchSize, recipe.LearningRate, recipe.Optimizer, recipe.Schedule, recipe.CropPadding));
        Assert.Same(MnistNetwork.Cnn, MnistNetwork.Find("CNN"));
    }

    [Fact]
    public async Task A_batch_too_large_for_the_convnet_names_its_own_limit()
    {
        var result = await CliRunner.RunAsync("train", "--network", "cnn", "--batch-size", "0", "--out", _out.Path);

        Assert.Equal($"--batch-size: '0' is not a whole number from 1 to {MnistConvNet.Workspace.MaxCapacity}.", CliRunner.AssertOneLineError(result));
    }
}
