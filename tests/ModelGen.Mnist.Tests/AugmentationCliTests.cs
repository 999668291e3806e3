using System.Text.Json;
using ModelGen.Samples.Mnist;
using ModelGen.Samples.Mnist.Training;
using ModelGen.Training;

namespace ModelGen.Mnist.Tests;

/// <summary>
/// train's augmentation options (--crop-padding, --flip, --translate, --erase): bad values and a network that does not
/// take images are one line and exit code 1 with nothing written; good ones train and are recorded in metrics.json;
/// without them nothing changes.
/// </summary>
public sealed class AugmentationCliTests(SyntheticData data) : IClassFixture<SyntheticData>, IDisposable
{
    private readonly TestFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private const string NumberHint = "(write it like 0.001 or 1e-3, with a point for decimals and no thousands separator).";

    [Theory]
    [InlineData("--crop-padding", "-1", "is not a whole number from 0 to 27.")]
    [InlineData("--crop-padding", "28", "is not a whole number from 0 to 27.")]
    [InlineData("--translate", "1.5", "is not a whole number from 0 to 27.")]
    [InlineData("--rotate", "-5", "is not a number of degrees from 0 to 180 " + NumberHint)]
    [InlineData("--erase", "1.5", "is not a number from 0 to 1 " + NumberHint)]
    [InlineData("--erase", "0,5", "is not a number from 0 to 1 " + NumberHint)]
    public async Task A_bad_value_names_the_option_the_value_and_what_is_accepted(string option, string value, string accepted)
    {
        string output = _folder.File("out");

        var result = await CliRunner.RunAsync("train", "--network", "cnn", option, value, "--data", data.Path, "--out", output);

        Assert.Equal($"{option}: '{value}' {accepted}", CliRunner.AssertOneLineError(result));
        Assert.Equal(1, result.ExitCode);
        Assert.False(Directory.Exists(output), "nothing may be written after a bad value");
    }

    [Theory]
    [InlineData("--flip")]
    [InlineData("--crop-padding", "2")]
    [InlineData("--erase", "0.5")]
    [InlineData("--rotate", "10")]
    public async Task The_mlp_which_takes_flat_vectors_is_refused_with_one_line(params string[] options)
    {
        string output = _folder.File("out");

        var result = await CliRunner.RunAsync(["train", "--data", data.Path, "--out", output, .. options]);

        Assert.Equal($"error: {options[0]} augments images; the mlp network takes a flat vector [784]: give --network cnn or resnet.", CliRunner.AssertOneLineError(result));
        Assert.Equal(1, result.ExitCode);
        Assert.False(Directory.Exists(output), "nothing may be written after a refused option");
    }

    [Fact]
    public async Task The_convnet_trains_with_augmentation_and_records_it()
    {
        string output = _folder.File("out");

        var result = await CliRunner.RunAsync("train", "--network", "cnn", "--data", data.Path, "--out", output, "--epochs", "1", "--batch-size", "100",
            "--crop-padding", "2", "--translate", "1", "--rotate", "10", "--erase", "0.5");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("Augmentation: random crop after zero padding 2, rotation up to ±10° (nearest pixel, zero fill), translation up to ±1 px (zero fill), random erasing (p 0.5, scale 0.02–0.33, ratio 0.3–3.3, value 0)", result.Output);
        using JsonDocument metrics = OutputFiles.ReadMetrics(Path.Combine(output, "metrics.json"));
        JsonElement augmentation = metrics.RootElement.GetProperty("hyperparameters").GetProperty("augmentation");
        Assert.Equal((2, false, 1, 0.5), (augmentation.GetProperty("cropPadding").GetInt32(), augmentation.GetProperty("flip").GetBoolean(),
            augmentation.GetProperty("translate").GetInt32(), augmentation.GetProperty("erase").GetDouble()));
        Assert.Equal(10, augmentation.GetProperty("rotate").GetDouble());
        Assert.Contains("xoshiro256** from the seed and the step", augmentation.GetProperty("description").GetString());
        Assert.True(metrics.RootElement.GetProperty("testAccuracy").GetDouble() > 0.3);
    }

    [Fact]
    public async Task Without_the_options_nothing_is_augmented_and_metrics_say_so()
    {
        string output = _folder.File("out");

        var result = await CliRunner.RunAsync("train", "--data", data.Path, "--out", output, "--epochs", "1", "--batch-size", "100");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.DoesNotContain("Augmentation:", result.Output);
        using JsonDocument metrics = OutputFiles.ReadMetrics(Path.Combine(output, "metrics.json"));
        Assert.Equal(JsonValueKind.Null, metrics.RootElement.GetProperty("hyperparameters").GetProperty("augmentation").ValueKind);
    }

    [Fact]
    public void No_recipe_for_digits_flips_them_and_only_the_convnets_augments()
    {
        Assert.Null(MnistNetwork.Mlp.Recipe.Augmentation);
        Assert.Null(MnistNetwork.ResNet.Recipe.Augmentation);
        Assert.Equal(new ImageAugmentation { CropPadding = 2 }, MnistNetwork.Cnn.Recipe.Augmentation);
        // Clothes may flip: the ResNet's Fashion-MNIST recipe does.
        Assert.True(TrainingOptions.ResNetFashion.Augmentation!.HorizontalFlip);
    }
}
