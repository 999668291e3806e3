using System.Text.Json;
using ModelGen.Samples.Mnist;
using ModelGen.Samples.Mnist.Training;
using ModelGen.Training;

namespace ModelGen.Mnist.Tests;

/// <summary>
/// train's --schedule, --warmup-epochs, --step-every, --gamma, --min-lr, --weight-decay, --momentum, --nesterov,
/// --clip-norm, --label-smoothing and --optimizer adamw: bad values and settings that do not go together are one line and exit code 1 with nothing
/// written; good ones train and are recorded in metrics.json.
/// </summary>
public sealed class TrainingRecipeCliTests(SyntheticData data) : IClassFixture<SyntheticData>, IDisposable
{
    private readonly TestFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private const string NumberHint = "(write it like 0.001 or 1e-3, with a point for decimals and no thousands separator).";

    [Theory]
    [InlineData("--schedule", "linear", "is not accepted; give constant, step, cosine or onecycle.")]
    [InlineData("--schedule", "1", "is not accepted; give constant, step, cosine or onecycle.")]
    [InlineData("--warmup-epochs", "-1", "is not a whole number from 0 to 100000.")]
    [InlineData("--step-every", "0", "is not a whole number from 1 to 100000.")]
    [InlineData("--step-every", "2.5", "is not a whole number from 1 to 100000.")]
    [InlineData("--gamma", "0", "is not a number above 0 and at most 1 " + NumberHint)]
    [InlineData("--gamma", "1.5", "is not a number above 0 and at most 1 " + NumberHint)]
    [InlineData("--min-lr", "-0.1", "is not a number of 0 or more " + NumberHint)]
    [InlineData("--weight-decay", "NaN", "is not a number of 0 or more " + NumberHint)]
    [InlineData("--weight-decay", "5e-4,", "is not a number of 0 or more " + NumberHint)]
    [InlineData("--momentum", "1", "is not a number from 0 up to (not including) 1 " + NumberHint)]
    [InlineData("--momentum", "0,9", "is not a number from 0 up to (not including) 1 " + NumberHint)]
    [InlineData("--clip-norm", "0", "is not a positive number " + NumberHint)]
    [InlineData("--clip-norm", "-1", "is not a positive number " + NumberHint)]
    [InlineData("--clip-norm", "Infinity", "is not a positive number " + NumberHint)]
    [InlineData("--clip-norm", "1e-50", "is not a positive number " + NumberHint)]
    [InlineData("--label-smoothing", "1", "is not a number from 0 up to (not including) 1 " + NumberHint)]
    [InlineData("--label-smoothing", "-0.1", "is not a number from 0 up to (not including) 1 " + NumberHint)]
    [InlineData("--label-smoothing", "0,1", "is not a number from 0 up to (not including) 1 " + NumberHint)]
    public async Task A_bad_value_names_the_option_the_value_and_what_is_accepted(string option, string value, string accepted)
    {
        string output = _folder.File("out");

        var result = await CliRunner.RunAsync("train", option, value, "--data", data.Path, "--out", output);

        Assert.Equal($"{option}: '{value}' {accepted}", CliRunner.AssertOneLineError(result));
        Assert.Equal(1, result.ExitCode);
        Assert.False(Directory.Exists(output), "nothing may be written after a bad value");
    }

    [Theory]
    [InlineData("--weight-decay applies to sgd and adamw; for Adam with decoupled weight decay give --optimizer adamw.", "--weight-decay", "0.1")]
    [InlineData("--momentum applies to --optimizer sgd only, not adamw (whose β1 plays that part).", "--optimizer", "adamw", "--momentum", "0.9")]
    [InlineData("--nesterov applies to --optimizer sgd only, not adam.", "--nesterov")]
    [InlineData("--nesterov needs a --momentum above 0 (or --schedule onecycle, which gives one).", "--optimizer", "sgd", "--nesterov")]
    [InlineData("--momentum does not go with --schedule onecycle, which moves the momentum itself (0.95 to 0.85 and back).",
        "--optimizer", "sgd", "--momentum", "0.9", "--schedule", "onecycle")]
    [InlineData("--warmup-epochs applies to --schedule cosine only, not constant.", "--warmup-epochs", "2")]
    [InlineData("--min-lr applies to --schedule cosine only, not onecycle.", "--schedule", "onecycle", "--min-lr", "0")]
    [InlineData("--gamma applies to --schedule step only, not cosine.", "--schedule", "cosine", "--gamma", "0.5")]
    [InlineData("--step-every applies to --schedule step only, not constant.", "--step-every", "2")]
    [InlineData("--warmup-epochs 3 leaves no epoch for the cosine in a run of 3; give fewer than --epochs.", "--schedule", "cosine", "--epochs", "3", "--warmup-epochs", "3")]
    [InlineData("--min-lr 0.01 must be below the learning rate 0.001.", "--schedule", "cosine", "--min-lr", "0.01")]
    [InlineData("--step-every 3 leaves the rate undecayed in a run of 3 epoch(s); give fewer than --epochs.", "--schedule", "step", "--epochs", "3", "--step-every", "3")]
    public async Task Settings_that_do_not_go_together_are_one_line_before_anything_is_written(string message, params string[] options)
    {
        string output = _folder.File("out");

        var result = await CliRunner.RunAsync(["train", "--data", data.Path, "--out", output, .. options]);

        Assert.Equal("error: " + message, CliRunner.AssertOneLineError(result));
        Assert.Equal(1, result.ExitCode);
        Assert.False(Directory.Exists(output), "nothing may be written after a bad combination");
    }

    [Fact]
    public async Task Nesterov_sgd_with_weight_decay_under_one_cycle_trains_and_is_recorded()
    {
        string output = _folder.File("out");

        var result = await CliRunner.RunAsync("train", "--data", data.Path, "--out", output, "--epochs", "2", "--batch-size", "100",
            "--optimizer", "sgd", "--lr", "0.1", "--nesterov", "--weight-decay", "5e-4", "--schedule", "onecycle");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("Schedule: onecycle (from 0.004 up to 0.1 and down to 4E-07; momentum 0.95 → 0.85 → 0.95), momentum 0.95 (Nesterov), weight decay 0.0005 on the weights", result.Output);
        using JsonDocument metrics = OutputFiles.ReadMetrics(Path.Combine(output, "metrics.json"));
        JsonElement hyper = metrics.RootElement.GetProperty("hyperparameters");
        Assert.Equal("sgd", hyper.GetProperty("optimizer").GetString());
        Assert.Equal(0.1, hyper.GetProperty("learningRate").GetDouble());
        Assert.Equal("onecycle", hyper.GetProperty("schedule").GetProperty("kind").GetString());
        Assert.Equal(JsonValueKind.Null, hyper.GetProperty("schedule").GetProperty("warmupEpochs").ValueKind);
        Assert.Equal(5e-4, hyper.GetProperty("weightDecay").GetDouble());
        Assert.StartsWith("weights (kernels) only", hyper.GetProperty("weightDecayApplies").GetString());
        Assert.Equal(0.95, hyper.GetProperty("momentum").GetDouble());
        Assert.True(hyper.GetProperty("nesterov").GetBoolean());
        // The last step's rate is one-cycle's last: 0.1 / 25 / 1e4.
        JsonElement history = metrics.RootElement.GetProperty("history");
        Assert.Equal(4e-7, history[1].GetProperty("learningRate").GetDouble(), 1e-12);
        Assert.True(metrics.RootElement.GetProperty("testAccuracy").GetDouble() > 0.5);
    }

    [Fact]
    public async Task Adamw_with_cosine_warm_up_records_its_default_decay_and_each_epochs_rate()
    {
        string output = _folder.File("out");

        var result = await CliRunner.RunAsync("train", "--data", data.Path, "--out", output, "--epochs", "2", "--batch-size", "100",
            "--optimizer", "adamw", "--schedule", "cosine", "--warmup-epochs", "1", "--min-lr", "1e-5");

        Assert.True(result.ExitCode == 0, result.ToString());
        using JsonDocument metrics = OutputFiles.ReadMetrics(Path.Combine(output, "metrics.json"));
        JsonElement hyper = metrics.RootElement.GetProperty("hyperparameters");
        Assert.Equal("adamw", hyper.GetProperty("optimizer").GetString());
        Assert.Equal(0.001, hyper.GetProperty("learningRate").GetDouble());
        Assert.Equal(0.01, hyper.GetProperty("weightDecay").GetDouble());
        Assert.Equal(JsonValueKind.Null, hyper.GetProperty("momentum").ValueKind);
        JsonElement schedule = hyper.GetProperty("schedule");
        Assert.Equal(("cosine", 1, 1e-5), (schedule.GetProperty("kind").GetString(), schedule.GetProperty("warmupEpochs").GetInt32(), schedule.GetProperty("minLearningRate").GetDouble()));
        // 10 steps an epoch: the warm-up's last step has 0.001 · (0.01 + 0.99 · 9/10); the run's last, the cosine's at 9 of 10.
        JsonElement history = metrics.RootElement.GetProperty("history");
        Assert.Equal((float)(0.001 * (0.01 + 0.99 * 9 / 10)), history[0].GetProperty("learningRate").GetDouble(), 1e-9);
        Assert.Equal((float)(1e-5 + (0.001 - 1e-5) * (1 + Math.Cos(Math.PI * 9 / 10)) / 2), history[1].GetProperty("learningRate").GetDouble(), 1e-9);
        Assert.Contains("│ lr ", result.Output);
    }

    [Fact]
    public async Task Gradient_clipping_and_label_smoothing_train_and_are_recorded()
    {
        string output = _folder.File("out");

        var result = await CliRunner.RunAsync("train", "--data", data.Path, "--out", output, "--epochs", "2", "--batch-size", "100",
            "--clip-norm", "0.5", "--label-smoothing", "0.1");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("Regularisation: gradients clipped to a global norm of 0.5, label smoothing 0.1", result.Output);
        using JsonDocument metrics = OutputFiles.ReadMetrics(Path.Combine(output, "metrics.json"));
        JsonElement hyper = metrics.RootElement.GetProperty("hyperparameters");
        Assert.Equal(0.5, hyper.GetProperty("clipNorm").GetDouble());
        Assert.Equal(0.1, hyper.GetProperty("labelSmoothing").GetDouble());
        Assert.True(metrics.RootElement.GetProperty("testAccuracy").GetDouble() > 0.5);
    }

    [Fact]
    public async Task The_defaults_record_a_constant_rate_and_no_decay()
    {
        string output = _folder.File("out");

        var result = await CliRunner.RunAsync("train", "--data", data.Path, "--out", output, "--epochs", "1", "--batch-size", "100");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.DoesNotContain("Schedule:", result.Output);
        Assert.DoesNotContain("│ lr ", result.Output);
        using JsonDocument metrics = OutputFiles.ReadMetrics(Path.Combine(output, "metrics.json"));
        JsonElement hyper = metrics.RootElement.GetProperty("hyperparameters");
        Assert.Equal("constant", hyper.GetProperty("schedule").GetProperty("kind").GetString());
        Assert.Equal(0, hyper.GetProperty("weightDecay").GetDouble());
        Assert.Equal(JsonValueKind.Null, hyper.GetProperty("weightDecayApplies").ValueKind);
        Assert.False(hyper.GetProperty("nesterov").GetBoolean());
        Assert.Equal(JsonValueKind.Null, hyper.GetProperty("clipNorm").ValueKind);
        Assert.Equal(0, hyper.GetProperty("labelSmoothing").GetDouble());
        Assert.DoesNotContain("Regularisation:", result.Output);
        Assert.Equal(0.001, metrics.RootElement.GetProperty("history")[0].GetProperty("learningRate").GetDouble(), 1e-9);
    }

    [Fact]
    public async Task Another_optimizer_than_the_networks_recipe_starts_from_its_own_defaults()
    {
        string output = _folder.File("out");

        // ResNet's recipe is Nesterov SGD with decay on one cycle; Adam given instead brings Adam's defaults, not those.
        var result = await CliRunner.RunAsync("train", "--network", "resnet", "--data", data.Path, "--out", output, "--epochs", "1", "--batch-size", "250",
            "--optimizer", "adam");

        Assert.True(result.ExitCode == 0, result.ToString());
        using JsonDocument metrics = OutputFiles.ReadMetrics(Path.Combine(output, "metrics.json"));
        JsonElement hyper = metrics.RootElement.GetProperty("hyperparameters");
        Assert.Equal(("adam", 0.001, "constant", 0.0, false), (hyper.GetProperty("optimizer").GetString(), hyper.GetProperty("learningRate").GetDouble(),
            hyper.GetProperty("schedule").GetProperty("kind").GetString(), hyper.GetProperty("weightDecay").GetDouble(), hyper.GetProperty("nesterov").GetBoolean()));
    }

    [Fact]
    public void Step_decay_per_epoch_lowers_each_epochs_rate_by_gamma()
    {
        var train = SyntheticDigits.Make(70, 1);
        var options = TrainingOptions.Default with { Epochs = 4, Schedule = ScheduleKind.Step, StepEvery = 1, Gamma = 0.5 };
        Trainer trainer = MnistNetwork.Mlp.CreateTrainer(new MnistMlp(3), options, train);

        EpochResult[] epochs = [.. Enumerable.Range(0, 4).Select(_ => trainer.TrainEpoch(null, CancellationToken.None))];

        Assert.Equal([1e-3f, 5e-4f, 2.5e-4f, 1.25e-4f], epochs.Select(e => (float)e.LearningRate));
    }

    [Fact]
    public void Without_new_settings_the_sample_trains_as_before()
    {
        // The defaults make no schedule and an optimizer with the same settings as before the options existed.
        Assert.Null(TrainingOptions.Default.CreateSchedule(10));
        var model = new MnistMlp(1);
        Assert.IsType<Adam>(TrainingOptions.Default.CreateOptimizer(model));
        var sgd = Assert.IsType<Sgd>((TrainingOptions.Default with { Optimizer = OptimizerKind.Sgd }).CreateOptimizer(model));
        Assert.Equal((0f, 0f, false, null), (sgd.Momentum, sgd.WeightDecay, sgd.Nesterov, sgd.DecayMask));
    }
}
