using System.Globalization;
using ModelGen.Tests.Models;
using ModelGen.TestModels;
using ModelGen.Training;

namespace ModelGen.Tests.Core;

/// <summary>
/// Keras' EarlyStopping(monitor, patience, min_delta, restore_best_weights=True): the stop epoch on crafted figures, the stop in
/// Fit, and the best epoch's weights (BatchNormalization's running statistics and counters included) restored bit for bit.
/// </summary>
public sealed class EarlyStoppingTests
{
    private static LabeledData Random(int count, ulong seed) =>
        new(TestData.Uniform(count * TinyResNet.InputSize, seed, 0f, 1f), TestData.Labels(count, TinyResNet.OutputSize, seed + 1), TinyResNet.InputSize);

    private static LabeledData Digits(int count, ulong seed)
    {
        var (images, labels) = SyntheticDigits.Create(count, seed);
        return new LabeledData(images, labels, SyntheticDigits.Pixels);
    }

    private sealed record Weights(float[] Parameters, float[] State, long[] Counters)
    {
        public static Weights Of(IModel model) => new(model.Parameters.ToArray(), model.State.ToArray(), model.Counters.ToArray());

        public void AssertBitsOf(IModel model)
        {
            Assert.Equal(Parameters.Select(BitConverter.SingleToInt32Bits), model.Parameters.Select(BitConverter.SingleToInt32Bits));
            Assert.Equal(State.Select(BitConverter.SingleToInt32Bits), model.State.Select(BitConverter.SingleToInt32Bits));
            Assert.Equal(Counters, model.Counters);
        }
    }

    // Each case: the figures of epochs 1, 2, …; the epoch Keras stops after (0: it never stops) and the best epoch.
    [Theory]
    [InlineData(EarlyStoppingMonitor.ValidationLoss, 0, 0.0, "1.0 0.9 0.95 0.5", 3, 2)]
    [InlineData(EarlyStoppingMonitor.ValidationLoss, 2, 0.0, "1.0 0.8 0.85 0.79 0.9 0.95 0.1", 6, 4)]
    [InlineData(EarlyStoppingMonitor.ValidationLoss, 2, 0.05, "1.0 0.96 0.94 0.93 0.92 0.1", 5, 3)]
    [InlineData(EarlyStoppingMonitor.ValidationLoss, 1, 0.0, "0.5 NaN 0.4", 2, 1)]
    [InlineData(EarlyStoppingMonitor.ValidationLoss, 0, 0.0, "NaN 0.3", 2, 1)]
    [InlineData(EarlyStoppingMonitor.ValidationLoss, 0, 0.0, "3 2 1", 0, 3)]
    [InlineData(EarlyStoppingMonitor.ValidationLoss, 3, 0.0, "1 1 1 1", 4, 1)]
    [InlineData(EarlyStoppingMonitor.ValidationAccuracy, 1, 0.0, "0.5 0.6 0.6 0.7", 3, 2)]
    [InlineData(EarlyStoppingMonitor.ValidationAccuracy, 1, 0.01, "0.5 0.505 0.52 0.525", 2, 1)]
    public void The_stop_and_best_epochs_follow_Keras_rules(EarlyStoppingMonitor monitor, int patience, double minDelta, string figures, int stopEpoch, int bestEpoch)
    {
        double[] values = figures.Split(' ').Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray();
        var stopper = new EarlyStopper(new EarlyStopping { Monitor = monitor, Patience = patience, MinDelta = minDelta }, new MnistMlp(1));

        int stoppedAfter = 0;
        for (int epoch = 1; epoch <= values.Length && stoppedAfter == 0; epoch++)
            if (stopper.Update(epoch, values[epoch - 1])) stoppedAfter = epoch;

        Assert.Equal(stopEpoch, stoppedAfter);
        Assert.Equal(stopEpoch, stopper.State.StoppedEpoch);
        Assert.Equal(stopEpoch != 0, stopper.ShouldStop);
        Assert.Equal(bestEpoch, stopper.State.BestEpoch);
        Assert.Equal(values[bestEpoch - 1], stopper.State.BestValue);
    }

    [Fact]
    public void Fit_stops_after_patience_runs_out_and_restores_the_best_epochs_weights_bit_for_bit_running_statistics_included()
    {
        // A minimum change no figure can make: epoch 1 stays the best, and with patience 2 the run stops after epoch 3.
        var model = new TinyResNet(3);
        var snapshots = new List<Weights>();
        var options = new FitOptions
        {
            BatchSize = 16, Seed = 2, ValidationSplit = 0.25,
            EarlyStopping = new EarlyStopping { Patience = 2, MinDelta = 1e9 },
            EpochEnded = (_, _) => snapshots.Add(Weights.Of(model)),
        };

        TrainingHistory history = model.Fit(Random(64, 5), new Adam(), epochs: 10, options);

        Assert.Equal([1, 2, 3], history.Epochs.Select(e => e.Epoch));
        Assert.Equal(TrainingStopCause.EarlyStopping, history.StopCause);
        Assert.Equal((3, 1, 1), (history.StoppedEpoch, history.BestEpoch, history.RestoredEpoch));
        Assert.Equal($"early stopping: val_loss did not improve by more than 1000000000 for 2 epoch(s) after epoch 1 " +
            $"({history.Epochs[0].ValidationLoss!.Value.ToString("G6", CultureInfo.InvariantCulture)}; patience 2); stopped after epoch 3", history.StopReason);
        snapshots[0].AssertBitsOf(model);
        // Training moved all three: the restore put each back.
        Assert.NotEqual(snapshots[0].Parameters, snapshots[2].Parameters);
        Assert.NotEqual(snapshots[0].State, snapshots[2].State);
        Assert.Equal([3L, 6L, 9L], snapshots.Select(s => s.Counters[TinyResNet.StemBnBatchesTrackedIndex]));
        Assert.Equal(3L, model.Counters[TinyResNet.StemBnBatchesTrackedIndex]);
    }

    [Fact]
    public void Fit_stops_where_Keras_rules_say_on_its_own_validation_losses_and_keeps_the_best_epoch()
    {
        // Random labels: the validation loss soon rises while the training loss falls.
        var model = new TinyResNet(4);
        var snapshots = new List<Weights>();
        var options = new FitOptions
        {
            BatchSize = 8, Seed = 3, ValidationSplit = 0.5,
            EarlyStopping = new EarlyStopping { Patience = 2 },
            EpochEnded = (_, _) => snapshots.Add(Weights.Of(model)),
        };

        TrainingHistory history = model.Fit(Random(64, 7), new Adam(0.01f), epochs: 30, options);

        double[] losses = history.Epochs.Select(e => e.ValidationLoss!.Value).ToArray();
        int best = 0, wait = 0, stop = 0;
        for (int i = 0; i < losses.Length && stop == 0; i++)
        {
            if (i == 0 || losses[i] < losses[best]) (best, wait) = (i, 0);
            else if (++wait >= 2) stop = i + 1;
        }
        Assert.True(stop > 0, $"the run did not stop: {string.Join(", ", losses)}");
        Assert.Equal(stop, history.Epochs.Count);
        Assert.Equal((best + 1, best + 1), (history.BestEpoch, history.RestoredEpoch));
        Assert.True(history.BestEpoch < history.StoppedEpoch);
        snapshots[best].AssertBitsOf(model);
        // The restored model's validation loss is the best epoch's, computed again.
        Assert.Equal(losses[best], model.Evaluate(Random(64, 7).Split(0.5).Validation).Loss);
    }

    [Fact]
    public void Without_restoring_the_model_keeps_the_last_epochs_weights()
    {
        var model = new MnistMlp(2);
        Weights? last = null;
        var options = new FitOptions
        {
            Seed = 1, ValidationSplit = 0.2,
            EarlyStopping = new EarlyStopping { Patience = 1, MinDelta = 1e9, RestoreBestWeights = false },
            EpochEnded = (_, _) => last = Weights.Of(model),
        };
        var trainer = new ClassifierTrainer<MnistMlp.Workspace>(model, new Adam(), Digits(100, 3), options);

        TrainingHistory history = trainer.Fit(5);

        Assert.Equal((2, 1, (int?)null), (history.Epochs.Count, history.BestEpoch, history.RestoredEpoch));
        last!.AssertBitsOf(model);
        Assert.Empty(trainer.EarlyStopper!.State.BestParameters);
    }

    [Fact]
    public void A_regressor_stops_on_its_validation_loss_and_cannot_monitor_an_accuracy()
    {
        var model = new XorNet(3);
        var data = new RegressionData([0, 0, 0, 1, 1, 0, 1, 1, 0, 0, 1, 1], [0, 1, 1, 0, 0, 0], 2, 1);
        Weights? first = null;
        var options = new FitOptions
        {
            BatchSize = 2, ValidationSplit = 0.34,
            EarlyStopping = new EarlyStopping { MinDelta = 1e9 },
            EpochEnded = (_, _) => first ??= Weights.Of(model),
        };

        TrainingHistory history = model.Fit(data, new Adam(0.05f), 10, options);

        Assert.Equal((2, 1, 1), (history.Epochs.Count, history.BestEpoch, history.RestoredEpoch));
        first!.AssertBitsOf(model);
        var e = Assert.Throws<ArgumentException>(() => model.Fit(data, new Adam(), 1,
            options with { EarlyStopping = new EarlyStopping { Monitor = EarlyStoppingMonitor.ValidationAccuracy } }));
        Assert.StartsWith("Early stopping cannot monitor the validation accuracy of a regressor", e.Message);
    }

    [Fact]
    public void A_run_that_diverges_after_its_best_epoch_gets_the_best_weights_back()
    {
        // The callback raises the rate to 1e38 after epoch 1: epoch 2 diverges, and the model returns to epoch 1.
        var model = new MnistMlp(6);
        var optimizer = new Sgd(0.01f);
        Weights? first = null;
        var options = new FitOptions
        {
            BatchSize = 50, ValidationSplit = 0.2, EarlyStopping = new EarlyStopping { Patience = 3 },
            EpochEnded = (_, _) => { first ??= Weights.Of(model); optimizer.LearningRate = 1e38f; },
        };

        TrainingHistory history = model.Fit(Digits(200, 4), optimizer, 5, options);

        Assert.Equal(TrainingStopCause.Diverged, history.StopCause);
        Assert.StartsWith("the loss became", history.StopReason);
        Assert.Equal((2, 1, 1), (history.Epochs.Count, history.BestEpoch, history.RestoredEpoch));
        first!.AssertBitsOf(model);
    }

    [Fact]
    public void Early_stopping_needs_validation_data_and_sensible_settings()
    {
        var model = new MnistMlp(1);
        var data = Digits(20, 1);

        var none = Assert.Throws<ArgumentException>(() => model.Fit(data, new Adam(), 1, new FitOptions { EarlyStopping = new EarlyStopping() }));
        Assert.StartsWith("Early stopping monitors val_loss: give validation data, or set FitOptions.ValidationSplit.", none.Message);
        Assert.Equal("validation", none.ParamName);

        foreach (var bad in new[] { new EarlyStopping { Patience = -1 }, new EarlyStopping { MinDelta = -0.1 }, new EarlyStopping { MinDelta = double.NaN },
            new EarlyStopping { Monitor = (EarlyStoppingMonitor)7 } })
        {
            var e = Assert.Throws<ArgumentException>(() => new ClassifierTrainer<MnistMlp.Workspace>(model, new Adam(), data, new FitOptions { EarlyStopping = bad }));
            Assert.Equal("options", e.ParamName);
        }
        // With validation data given to Fit, no split is needed.
        Assert.Single(model.Fit(data, new Adam(), 1, new FitOptions { EarlyStopping = new EarlyStopping() }, validation: data).Epochs);
    }

    [Fact]
    public void The_state_is_plain_data_that_a_fresh_stopper_resumes_from_exactly()
    {
        // A checkpoint's view: after epoch 3, save the state; a new stopper on a model restored from that moment carries on alike.
        double[] losses = [0.9, 0.7, 0.8, 0.75, 0.85, 0.95];
        var settings = new EarlyStopping { Patience = 3 };
        var model = new TinyResNet(1);
        var straight = new EarlyStopper(settings, model);
        var saved = new EarlyStoppingState(model.Parameters.Length, model.State.Length, model.Counters.Length);
        var weightsAt = new List<Weights>();
        bool[] straightStops = new bool[losses.Length];
        for (int e = 0; e < losses.Length; e++)
        {
            model.Parameters[0] = e; model.State[0] = 10 + e; model.Counters[0] = 100 + e; // "training"
            weightsAt.Add(Weights.Of(model));
            straightStops[e] = straight.Update(e + 1, losses[e]);
            if (e == 2) saved.CopyFrom(straight.State);
        }

        var resumed = new EarlyStopper(settings, model);
        resumed.State.CopyFrom(saved);
        bool[] resumedStops = new bool[losses.Length];
        for (int e = 3; e < losses.Length; e++)
        {
            model.Parameters[0] = e; model.State[0] = 10 + e; model.Counters[0] = 100 + e;
            resumedStops[e] = resumed.Update(e + 1, losses[e]);
        }

        Assert.Equal(straightStops[3..], resumedStops[3..]);
        // Patience runs out after epoch 5; told of another epoch without improvement, it still says stop (as Keras does).
        Assert.Equal([false, false, false, false, true, true], straightStops);
        Assert.Equal((straight.State.BestEpoch, straight.State.BestValue, straight.State.EpochsWithoutImprovement, straight.State.StoppedEpoch),
            (resumed.State.BestEpoch, resumed.State.BestValue, resumed.State.EpochsWithoutImprovement, resumed.State.StoppedEpoch));
        Assert.True(resumed.RestoreBestWeights());
        weightsAt[1].AssertBitsOf(model);
        Assert.Throws<ArgumentException>(() => saved.CopyFrom(new EarlyStoppingState(1, 0, 0)));
    }

    [Fact]
    public void The_model_interface_reaches_the_running_statistics_of_a_model_with_BatchNormalization_and_nothing_of_one_without()
    {
        var resnet = new TinyResNet(1);
        IModel asModel = resnet;
        Assert.Same(resnet.State, asModel.State);
        Assert.Same(resnet.Counters, asModel.Counters);
        Assert.Equal(TinyResNet.StateCount, asModel.State.Length);

        IModel mlp = new MnistMlp(1);
        Assert.Empty(mlp.State);
        Assert.Empty(mlp.Counters);
    }
}
