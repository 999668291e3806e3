using System.Text.Json;
using ModelGen.Samples.Mnist;
using ModelGen.Samples.Mnist.Data;
using ModelGen.Samples.Mnist.Plots;
using ModelGen.Samples.Mnist.Training;
using ModelGen.Training;

namespace ModelGen.Mnist.Tests;

/// <summary>
/// train's --validation-split, --early-stopping, --monitor and --min-delta: bad values and settings that do not go together are
/// one line and exit code 1 with nothing written; a split validates on the last training images after every epoch; early
/// stopping stops, and the model file then holds the best epoch's weights; without them nothing changes. And the learning-rate
/// panel's per-step rates are those the trainer used.
/// </summary>
public sealed class ValidationCliTests(SyntheticData data) : IClassFixture<SyntheticData>, IDisposable
{
    private readonly TestFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private const string NumberHint = "(write it like 0.001 or 1e-3, with a point for decimals and no thousands separator).";

    [Theory]
    [InlineData("--validation-split", "1", "is not a number from 0 up to (not including) 1 " + NumberHint)]
    [InlineData("--validation-split", "-0.1", "is not a number from 0 up to (not including) 1 " + NumberHint)]
    [InlineData("--validation-split", "0,1", "is not a number from 0 up to (not including) 1 " + NumberHint)]
    [InlineData("--validation-split", "NaN", "is not a number from 0 up to (not including) 1 " + NumberHint)]
    [InlineData("--early-stopping", "-1", "is not a whole number from 0 to 100000.")]
    [InlineData("--early-stopping", "1.5", "is not a whole number from 0 to 100000.")]
    [InlineData("--monitor", "loss", "is not accepted; give val-loss or val-accuracy.")]
    [InlineData("--min-delta", "-0.01", "is not a number of 0 or more " + NumberHint)]
    public async Task A_bad_value_names_the_option_the_value_and_what_is_accepted(string option, string value, string accepted)
    {
        string output = _folder.File("out");

        var result = await CliRunner.RunAsync("train", option, value, "--data", data.Path, "--out", output);

        Assert.Equal($"{option}: '{value}' {accepted}", CliRunner.AssertOneLineError(result));
        Assert.Equal(1, result.ExitCode);
        Assert.False(Directory.Exists(output), "nothing may be written after a bad value");
    }

    [Theory]
    [InlineData("--early-stopping needs validation images: give --validation-split too (0.1 holds out the last 10 % of the training images).", "--early-stopping", "2")]
    [InlineData("--early-stopping needs validation images: give --validation-split too (0.1 holds out the last 10 % of the training images).",
        "--early-stopping", "2", "--validation-split", "0")]
    [InlineData("--monitor applies to --early-stopping only; give --early-stopping PATIENCE too.", "--validation-split", "0.1", "--monitor", "val-accuracy")]
    [InlineData("--min-delta applies to --early-stopping only; give --early-stopping PATIENCE too.", "--min-delta", "0.01")]
    [InlineData("--validation-split 0.9999 leaves no image on one side of the 1,000 training images; give a fraction that keeps some for both.", "--validation-split", "0.9999")]
    public async Task Settings_that_do_not_go_together_are_one_line_before_anything_is_written(string message, params string[] options)
    {
        string output = _folder.File("out");

        var result = await CliRunner.RunAsync(["train", "--data", data.Path, "--out", output, .. options]);

        Assert.Equal("error: " + message, CliRunner.AssertOneLineError(result));
        Assert.Equal(1, result.ExitCode);
        Assert.False(Directory.Exists(output), "nothing may be written after a bad combination");
    }

    [Fact]
    public async Task A_validation_split_holds_out_the_last_training_images_and_reports_them_every_epoch()
    {
        string output = _folder.File("out");

        var result = await CliRunner.RunAsync("train", "--data", data.Path, "--out", output, "--epochs", "2", "--batch-size", "100", "--validation-split", "0.2");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("Data: 800 training, 200 validation (the last 20% of the training set) and 300 test images", result.Output);
        Assert.Equal(2, result.Output.Split('\n').Count(line => line.Contains("│ val loss ", StringComparison.Ordinal) && line.Contains("│ test loss ", StringComparison.Ordinal)));
        using JsonDocument metrics = OutputFiles.ReadMetrics(Path.Combine(output, "metrics.json"));
        JsonElement root = metrics.RootElement;
        Assert.Equal((800, 200, 300), (root.GetProperty("data").GetProperty("trainImages").GetInt32(),
            root.GetProperty("data").GetProperty("validationImages").GetInt32(), root.GetProperty("data").GetProperty("testImages").GetInt32()));
        Assert.Equal(0.2, root.GetProperty("hyperparameters").GetProperty("validationSplit").GetDouble());
        Assert.False(root.GetProperty("hyperparameters").TryGetProperty("earlyStopping", out _));
        Assert.False(root.TryGetProperty("earlyStopping", out _));
        JsonElement last = root.GetProperty("history")[1];
        Assert.True(last.GetProperty("validationSeconds").GetDouble() >= 0);

        // The validation figures are the saved model's on the last 200 training images, and the test figures are still the test set's.
        var model = new MnistMlp();
        model.Load(Path.Combine(output, "model.safetensors"));
        MnistData mnist = MnistData.Load(data.Path);
        var heldOut = new LabeledData(mnist.Train.Pixels[(800 * MnistData.PixelsPerImage)..], mnist.Train.Labels[800..], MnistData.PixelsPerImage);
        EvaluationResult validation = model.Evaluate(heldOut);
        Assert.Equal(validation.Loss, last.GetProperty("validationLoss").GetDouble());
        Assert.Equal(validation.Accuracy, last.GetProperty("validationAccuracy").GetDouble());
        Assert.Equal(model.Evaluate(Trainer.Labeled(mnist.Test)).Accuracy, root.GetProperty("testAccuracy").GetDouble());
        OutputFiles.AssertPng(Path.Combine(output, "training_curves.png"));
    }

    [Fact]
    public async Task Early_stopping_stops_and_the_model_file_holds_the_best_epochs_weights_byte_for_byte()
    {
        // A minimum change no loss can make: epoch 1 stays the best, and with patience 1 the run stops after epoch 2 of 5.
        string output = _folder.File("out"), firstEpoch = _folder.File("first");

        var result = await CliRunner.RunAsync("train", "--data", data.Path, "--out", output, "--epochs", "5", "--batch-size", "100",
            "--validation-split", "0.2", "--early-stopping", "1", "--min-delta", "1000");
        var oneEpoch = await CliRunner.RunAsync("train", "--data", data.Path, "--out", firstEpoch, "--epochs", "1", "--batch-size", "100", "--validation-split", "0.2");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.True(oneEpoch.ExitCode == 0, oneEpoch.ToString());
        Assert.Contains("Early stopping: on val_loss, patience 1, min delta 1000; the best epoch's weights are kept", result.Output);
        Assert.Contains("Early stopping: val_loss did not improve by more than 1000 for 1 epoch(s) after epoch 1", result.Output);
        Assert.Contains("Restored the weights of epoch 1, the best val_loss", result.Output);
        Assert.Contains("after 2 epoch(s) (the weights of epoch 1)", result.Output);
        Assert.DoesNotContain("Epoch 3/5", result.Output);
        Assert.Equal(File.ReadAllBytes(Path.Combine(firstEpoch, "model.safetensors")), File.ReadAllBytes(Path.Combine(output, "model.safetensors")));

        using JsonDocument metrics = OutputFiles.ReadMetrics(Path.Combine(output, "metrics.json"));
        JsonElement root = metrics.RootElement;
        JsonElement history = root.GetProperty("history");
        Assert.Equal(2, history.GetArrayLength());
        JsonElement stopping = root.GetProperty("earlyStopping");
        Assert.Equal((1, 2, 1), (stopping.GetProperty("bestEpoch").GetInt32(), stopping.GetProperty("stoppedEpoch").GetInt32(), stopping.GetProperty("restoredEpoch").GetInt32()));
        Assert.Equal(history[0].GetProperty("validationLoss").GetDouble(), stopping.GetProperty("bestValue").GetDouble());
        Assert.StartsWith("early stopping: val_loss did not improve by more than 1000", stopping.GetProperty("stopReason").GetString());
        // The reported test figures are the restored model's: epoch 1's.
        Assert.Equal(history[0].GetProperty("testAccuracy").GetDouble(), root.GetProperty("testAccuracy").GetDouble());
        Assert.Equal(history[0].GetProperty("testLoss").GetDouble(), root.GetProperty("testLoss").GetDouble());
        JsonElement settings = root.GetProperty("hyperparameters").GetProperty("earlyStopping");
        Assert.Equal(("val_loss", 1, 1000.0, true), (settings.GetProperty("monitor").GetString(), settings.GetProperty("patience").GetInt32(),
            settings.GetProperty("minDelta").GetDouble(), settings.GetProperty("restoreBestWeights").GetBoolean()));
        OutputFiles.AssertPng(Path.Combine(output, "training_curves.png"));
    }

    [Fact]
    public async Task Early_stopping_on_the_validation_accuracy_that_runs_every_epoch_keeps_the_best_one()
    {
        string output = _folder.File("out");

        var result = await CliRunner.RunAsync("train", "--data", data.Path, "--out", output, "--epochs", "3", "--batch-size", "100",
            "--validation-split", "0.3", "--early-stopping", "10", "--monitor", "val-accuracy");

        Assert.True(result.ExitCode == 0, result.ToString());
        using JsonDocument metrics = OutputFiles.ReadMetrics(Path.Combine(output, "metrics.json"));
        JsonElement root = metrics.RootElement;
        double[] accuracies = [.. root.GetProperty("history").EnumerateArray().Select(e => e.GetProperty("validationAccuracy").GetDouble())];
        int best = Array.IndexOf(accuracies, accuracies.Max()) + 1;
        JsonElement stopping = root.GetProperty("earlyStopping");
        Assert.Equal(3, accuracies.Length);
        Assert.Equal((best, best), (stopping.GetProperty("bestEpoch").GetInt32(), stopping.GetProperty("restoredEpoch").GetInt32()));
        Assert.Equal(JsonValueKind.Null, stopping.GetProperty("stoppedEpoch").ValueKind);
        Assert.Equal(JsonValueKind.Null, stopping.GetProperty("stopReason").ValueKind);
        Assert.Equal("val_accuracy", root.GetProperty("hyperparameters").GetProperty("earlyStopping").GetProperty("monitor").GetString());
        Assert.Equal(root.GetProperty("history")[best - 1].GetProperty("testAccuracy").GetDouble(), root.GetProperty("testAccuracy").GetDouble());
    }

    [Fact]
    public async Task A_split_of_0_trains_as_without_the_option_byte_for_byte()
    {
        string with = _folder.File("with"), without = _folder.File("without");

        var first = await CliRunner.RunAsync("train", "--data", data.Path, "--out", with, "--epochs", "2", "--batch-size", "64", "--validation-split", "0");
        var second = await CliRunner.RunAsync("train", "--data", data.Path, "--out", without, "--epochs", "2", "--batch-size", "64");

        Assert.True(first.ExitCode == 0 && second.ExitCode == 0, first + "\n" + second);
        Assert.Equal(File.ReadAllBytes(Path.Combine(without, "model.safetensors")), File.ReadAllBytes(Path.Combine(with, "model.safetensors")));
        Assert.Equal(OutputFiles.WithoutTimings(Path.Combine(without, "metrics.json")), OutputFiles.WithoutTimings(Path.Combine(with, "metrics.json")));
        Assert.DoesNotContain("val loss", first.Output);
        Assert.DoesNotContain("validation", File.ReadAllText(Path.Combine(with, "metrics.json")), StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("earlyStopping", File.ReadAllText(Path.Combine(with, "metrics.json")));
    }

    [Theory]
    [InlineData(ScheduleKind.Constant)]
    [InlineData(ScheduleKind.OneCycle)]
    [InlineData(ScheduleKind.Step)]
    public void The_learning_rate_panels_rates_are_those_the_trainer_used_at_every_step(ScheduleKind schedule)
    {
        var options = TrainingOptions.Default with { Epochs = 3, BatchSize = 32, Schedule = schedule, StepEvery = 1 };
        Trainer trainer = MnistNetwork.Mlp.CreateTrainer(new MnistMlp(3), options, SyntheticDigits.Make(70, 1));
        var used = new List<double>();

        EpochResult[] epochs = [.. Enumerable.Range(0, 3).Select(_ => trainer.TrainEpoch(step => used.Add(step.LearningRate), CancellationToken.None))];
        LearningRateCurve curve = LearningRateCurve.For(options, trainer.BatchesPerEpoch, epochsRun: 3);

        Assert.Equal(3, curve.StepsPerEpoch);
        Assert.Equal(used, curve.Rates);
        Assert.Equal(epochs.Select(e => e.LearningRate), [curve.Rates[2], curve.Rates[5], curve.Rates[8]]);
    }

    [Fact]
    public void The_training_curves_render_with_validation_a_kept_epoch_and_a_rate_per_step()
    {
        EpochMetrics[] history = [.. Enumerable.Range(1, 4).Select(e => new EpochMetrics(e, 1.0 / e, 0.9, 1.1 / e, 0.88, 1, 0.1, 1e-3 / e, 1.05 / e, 0.89, 0.05))];
        string path = _folder.File("curves.png");

        File.WriteAllBytes(path, TrainingCurvesPlot.Render(history, new LearningRateCurve([.. Enumerable.Range(0, 40).Select(s => 1e-3 / (1 + s / 10))], 10), keptEpoch: 3));

        OutputFiles.AssertPng(path);
        File.WriteAllBytes(path, TrainingCurvesPlot.Render(history));
        OutputFiles.AssertPng(path);
    }
}
