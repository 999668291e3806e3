using System.Globalization;
using System.Text.Json;
using ModelGen.Samples.Mnist;
using ModelGen.Samples.Mnist.Data;
using ModelGen.Samples.Mnist.Training;

namespace ModelGen.Mnist.Tests;

/// <summary>
/// train, evaluate and predict with --network resnet on a small synthetic set (one short epoch, to keep CI quick):
/// the graph model through the sample's command line, its file with BatchNormalization's running statistics, and
/// the same seed giving the same file byte for byte.
/// </summary>
[Collection(ProcessTimingGroup.Name)]
public sealed class ResNetCliTests : IDisposable
{
    private readonly TestFolder _data = new();
    private readonly TestFolder _out = new();
    private readonly TestFolder _again = new();

    public ResNetCliTests() => IdxFiles.Write(_data.Path, SyntheticDigits.Make(256, 41), SyntheticDigits.Make(100, 42));

    public void Dispose()
    {
        _data.Dispose();
        _out.Dispose();
        _again.Dispose();
    }

    [Fact]
    public async Task Train_evaluate_and_predict_the_resnet_which_evaluate_finds_from_the_file()
    {
        string[] common = ["train", "--network", "resnet", "--data", _data.Path, "--epochs", "1", "--batch-size", "64", "--seed", "3"];
        var train = await CliRunner.RunAsync([.. common, "--out", _out.Path]);

        Assert.True(train.ExitCode == 0, train.ToString());
        Assert.Equal("", train.Error);
        Assert.Contains("Model: MnistResNet", train.Output);
        using JsonDocument metrics = OutputFiles.ReadMetrics(_out.File("metrics.json"));
        JsonElement root = metrics.RootElement;
        Assert.Equal("resnet", root.GetProperty("network").GetString());
        Assert.Equal(MnistResNet.Spec, root.GetProperty("spec").GetString());
        // The network's own recipe: Nesterov SGD with weight decay on one cycle up to 0.1.
        JsonElement hyperparameters = root.GetProperty("hyperparameters");
        Assert.Equal(0.1, hyperparameters.GetProperty("learningRate").GetDouble());
        Assert.Equal("sgd", hyperparameters.GetProperty("optimizer").GetString());
        Assert.Equal("onecycle", hyperparameters.GetProperty("schedule").GetProperty("kind").GetString());
        Assert.Equal(5e-4, hyperparameters.GetProperty("weightDecay").GetDouble());
        Assert.True(hyperparameters.GetProperty("nesterov").GetBoolean());
        double accuracy = root.GetProperty("testAccuracy").GetDouble();

        // The file holds the running statistics the training moved, and evaluate finds the network from it.
        var model = new MnistResNet();
        model.Load(_out.File("model.safetensors"));
        Assert.Equal(4L, model.Counters[MnistResNet.StemBnBatchesTrackedIndex]); // 256 images in batches of 64
        Assert.Contains(model.StemBnRunningMean.ToArray(), m => m != 0f);
        var evaluate = await CliRunner.RunAsync("evaluate", "--model", _out.File("model.safetensors"), "--data", _data.Path);
        Assert.True(evaluate.ExitCode == 0, evaluate.ToString());
        Assert.Contains("(resnet: ", evaluate.Output);
        Assert.Contains($"Test accuracy {(100 * accuracy).ToString("F2", CultureInfo.InvariantCulture)}%", evaluate.Output);

        var predict = await CliRunner.RunAsync("predict", "--model", _out.File("model.safetensors"), "--data", _data.Path, "--index", "5");
        Assert.True(predict.ExitCode == 0, predict.ToString());
        var test = MnistData.Load(_data.Path).Test;
        string row = Assert.Single(predict.Output.Split('\n'), line => line.Contains("test image 5"));
        Assert.Equal(model.PredictClass(test.Image(5)).ToString(CultureInfo.InvariantCulture), row.Split('│', StringSplitOptions.TrimEntries)[2]);

        // The same seed: the same file, byte for byte.
        var again = await CliRunner.RunAsync([.. common, "--out", _again.Path]);
        Assert.True(again.ExitCode == 0, again.ToString());
        Assert.Equal(File.ReadAllBytes(_out.File("model.safetensors")), File.ReadAllBytes(_again.File("model.safetensors")));
    }

    [Fact]
    public void The_recipe_and_the_name()
    {
        Assert.Same(MnistNetwork.ResNet, MnistNetwork.Find("ResNet"));
        TrainingOptions recipe = MnistNetwork.ResNet.Recipe;
        Assert.Equal((10, 128, 0.1, OptimizerKind.Sgd, ScheduleKind.OneCycle, 5e-4, true),
            (recipe.Epochs, recipe.BatchSize, recipe.LearningRate, recipe.Optimizer, recipe.Schedule, recipe.WeightDecay, recipe.Nesterov));
        // 272,186 trained parameters, as ResNet-20 has; the bias slots of bias-free layers stay 0 and are not saved.
        long trained = MnistResNet.Layers.Sum(l => l switch
        {
            Conv2DLayerInfo c => (long)c.Geometry.PatchSize * c.Filters,
            BatchNormalizationLayerInfo b => 2L * b.Channels,
            DenseLayerInfo d => (long)d.InputSize * d.Units + d.Units,
            _ => 0,
        });
        Assert.Equal(272_186, trained);
    }
}
