using ModelGen.Tests.Models;
using ModelGen.Training;

namespace ModelGen.Tests.Core;

/// <summary>FitOptions.EpochEnded, Keras' on_epoch_end: once per epoch with that epoch's record, and a way to stop the run.</summary>
public sealed class EpochCallbackTests
{
    private static readonly LabeledData s_data = Digits(120, 41);

    private static LabeledData Digits(int count, ulong seed)
    {
        var (images, labels) = SyntheticDigits.Create(count, seed);
        return new LabeledData(images, labels, SyntheticDigits.Pixels);
    }

    [Fact]
    public void The_callback_is_called_once_per_epoch_with_the_records_the_history_holds()
    {
        var seen = new List<(EpochRecord Record, int SoFar, bool Stopping)>();
        var options = new FitOptions { BatchSize = 40, Seed = 2, ValidationSplit = 0.25, EpochEnded = (epoch, control) => seen.Add((epoch, control.Epochs.Count, control.StopRequested)) };
        var trainer = new ClassifierTrainer<MnistMlp.Workspace>(new MnistMlp(3), new Adam(), s_data, options);

        TrainingHistory first = trainer.Fit(3);
        TrainingHistory second = trainer.Fit(2);

        Assert.Equal([1, 2, 3, 4, 5], seen.Select(s => s.Record.Epoch));
        Assert.Equal(first.Epochs.Concat(second.Epochs), seen.Select(s => s.Record));
        Assert.True(seen.Select(s => s.Record).Zip(first.Epochs.Concat(second.Epochs)).All(p => ReferenceEquals(p.First, p.Second)));
        Assert.Equal([1, 2, 3, 1, 2], seen.Select(s => s.SoFar));
        Assert.All(seen, s => Assert.False(s.Stopping));
        Assert.All(seen, s => Assert.NotNull(s.Record.ValidationAccuracy));
        Assert.Equal(TrainingStopCause.None, second.StopCause);
        Assert.Null(second.StoppedEpoch);
    }

    [Fact]
    public void A_callback_stops_the_run_after_its_epoch_and_the_history_says_why()
    {
        var model = new MnistMlp(4);
        var options = new FitOptions
        {
            Seed = 1,
            EpochEnded = (epoch, control) => { if (epoch.Epoch == 2) control.StopTraining("enough for a test"); },
        };
        var trainer = new ClassifierTrainer<MnistMlp.Workspace>(model, new Adam(), s_data, options);

        TrainingHistory history = trainer.Fit(6);

        Assert.Equal(2, history.Epochs.Count);
        Assert.Equal(2, trainer.EpochsCompleted);
        Assert.True(history.StoppedEarly);
        Assert.Equal((TrainingStopCause.Callback, "enough for a test", (int?)2), (history.StopCause, history.StopReason, history.StoppedEpoch));
        Assert.Null(history.RestoredEpoch);
        Assert.Null(history.BestEpoch);
    }

    [Fact]
    public void The_callback_sees_early_stoppings_decision_and_the_first_reason_stays()
    {
        var causes = new List<TrainingStopCause>();
        var options = new FitOptions
        {
            Seed = 1, ValidationSplit = 0.25,
            EarlyStopping = new EarlyStopping { MinDelta = 1e9 },
            EpochEnded = (_, control) => { causes.Add(control.StopCause); control.StopTraining("the callback's reason"); },
        };

        TrainingHistory history = new MnistMlp(5).Fit(s_data, new Adam(), 4, options);

        // Epoch 1: no stop yet, the callback stops. Early stopping would have stopped after epoch 2.
        Assert.Equal([TrainingStopCause.None], causes);
        Assert.Equal(TrainingStopCause.Callback, history.StopCause);
        Assert.Equal(1, history.RestoredEpoch);

        causes.Clear();
        TrainingHistory stopped = new MnistMlp(5).Fit(s_data, new Adam(), 4, options with
        {
            EpochEnded = (epoch, control) => { causes.Add(control.StopCause); if (epoch.Epoch == 2) control.StopTraining("ignored"); },
        });
        Assert.Equal([TrainingStopCause.None, TrainingStopCause.EarlyStopping], causes);
        Assert.Equal(TrainingStopCause.EarlyStopping, stopped.StopCause);
        Assert.StartsWith("early stopping: val_loss did not improve", stopped.StopReason);
    }

    [Fact]
    public void Several_callbacks_combine_and_run_in_order()
    {
        var calls = new List<string>();
        EpochEndedCallback log = (e, _) => calls.Add($"log {e.Epoch}");
        EpochEndedCallback plot = (e, _) => calls.Add($"plot {e.Epoch}");

        new MnistMlp(6).Fit(s_data, new Adam(), 2, new FitOptions { EpochEnded = log + plot });

        Assert.Equal(["log 1", "plot 1", "log 2", "plot 2"], calls);
    }

    [Fact]
    public void A_stop_needs_a_reason()
    {
        var options = new FitOptions { EpochEnded = (_, control) => control.StopTraining(" ") };
        Assert.Throws<ArgumentException>(() => new MnistMlp(6).Fit(s_data, new Adam(), 2, options));
    }
}
