using ModelGen.Serialization;
using ModelGen.TestModels;
using ModelGen.Training;

namespace ModelGen.Tests.Core;

/// <summary>
/// Early stopping's state is part of a trainer's checkpoint: a run with a validation split and early stopping, stopped after
/// any step and resumed from its last checkpoint, stops at the same epoch and ends with the same best weights, bit for bit, as
/// the run never interrupted. A checkpoint with early stopping is refused by a run without, and the reverse.
/// </summary>
public sealed class EarlyStoppingCheckpointTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("modelgen-early-stopping-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    // 90 random 8×8×2 images of 3 random classes: ⌊90 · 0.75⌋ = 67 train in batches of 16 (5 steps an epoch), 23 validate.
    // Random labels: the validation loss soon rises, and patience 1 stops the run.
    private static readonly LabeledData s_images = new(TestData.Uniform(90 * 128, 21), TestData.Labels(90, 3, 22), 128);

    private const int StepsPerEpoch = 5, Epochs = 12;

    private static FitOptions Options => new()
    {
        BatchSize = 16, Seed = 4, ValidationSplit = 0.25, EarlyStopping = new EarlyStopping { Patience = 1 },
    };

    private sealed record Run(float[] Parameters, float[] State, long[] Counters, EpochRecord[] History, int? BestEpoch, int? RestoredEpoch);

    private static EpochRecord[] Figures(IEnumerable<EpochRecord> history) => [.. history.Select(e => e with { Seconds = 0, ValidationSeconds = 0 })];

    private static Run Straight()
    {
        var model = new TinyResNet(5);
        var trainer = new ClassifierTrainer<TinyResNet.Workspace>(model, new Adam(0.01f), s_images, Options);
        TrainingHistory history = trainer.Fit(Epochs);
        return new Run(model.Parameters, model.State, model.Counters, Figures(trainer.History), history.BestEpoch, history.RestoredEpoch);
    }

    // Checkpoints every `every` steps (and after each epoch); "killed" after step `stopAfter`; resumed by a new model, optimizer and trainer.
    private Run Resumed(int every, long stopAfter)
    {
        string path = Path.Combine(_folder, "run.ckpt");
        var options = Options with { Checkpoint = new CheckpointOptions(path) { EverySteps = every } };
        var first = new TinyResNet(5);
        using var stop = new CancellationTokenSource();
        var trainer = new ClassifierTrainer<TinyResNet.Workspace>(first, new Adam(0.01f), s_images, options);
        Assert.Throws<OperationCanceledException>(() => trainer.Fit(Epochs, progress: new Reports(() => { if (trainer.Steps == stopAfter) stop.Cancel(); }), cancellationToken: stop.Token));

        var second = new TinyResNet(77);
        var resumed = new ClassifierTrainer<TinyResNet.Workspace>(second, new Adam(0.01f), s_images, options);
        resumed.ResumeFrom(path);
        Assert.True(resumed.EarlyStopper!.State.BestEpoch > 0);
        int done = resumed.EpochsCompleted - (resumed.EpochInProgress ? 1 : 0);
        TrainingHistory history = resumed.Fit(Epochs - done);
        return new Run(second.Parameters, second.State, second.Counters, Figures(resumed.History), history.BestEpoch, history.RestoredEpoch);
    }

    [Fact]
    public void A_run_resumed_mid_epoch_or_at_an_epochs_end_stops_where_the_straight_run_does_with_its_best_weights()
    {
        Run expected = Straight();
        int stoppedAfter = expected.History.Length;
        Assert.True(stoppedAfter is > 2 and < Epochs, $"the straight run ran {stoppedAfter} epochs");
        Assert.True(expected.RestoredEpoch < stoppedAfter);

        // In the last epoch (from a checkpoint two steps into it), and at the end of the one before (the epoch's own checkpoint).
        foreach ((int every, long stopAfter) in new (int, long)[] { (2, (stoppedAfter - 1) * StepsPerEpoch + 3), (1000, (stoppedAfter - 1) * StepsPerEpoch) })
        {
            Run actual = Resumed(every, stopAfter);
            Assert.Equal(expected.Parameters, actual.Parameters);
            Assert.Equal(expected.State, actual.State);
            Assert.Equal(expected.Counters, actual.Counters);
            Assert.Equal(expected.History, actual.History);
            Assert.Equal((expected.BestEpoch, expected.RestoredEpoch), (actual.BestEpoch, actual.RestoredEpoch));
        }
    }

    [Fact]
    public void A_checkpoint_with_early_stopping_is_refused_by_a_run_without_and_the_reverse()
    {
        string with = Path.Combine(_folder, "with.ckpt"), without = Path.Combine(_folder, "without.ckpt");
        new ClassifierTrainer<TinyResNet.Workspace>(new TinyResNet(1), new Adam(), s_images, Options).SaveCheckpoint(with);
        new ClassifierTrainer<TinyResNet.Workspace>(new TinyResNet(1), new Adam(), s_images, Options with { EarlyStopping = null }).SaveCheckpoint(without);

        var plain = new ClassifierTrainer<TinyResNet.Workspace>(new TinyResNet(1), new Adam(), s_images, Options with { EarlyStopping = null });
        var stopping = new ClassifierTrainer<TinyResNet.Workspace>(new TinyResNet(1), new Adam(), s_images, Options);

        Assert.Contains("written by a run with early stopping; this one has none", Assert.Throws<ModelFileException>(() => plain.ResumeFrom(with)).Message);
        Assert.Contains("written by a run without early stopping; this one has it", Assert.Throws<ModelFileException>(() => stopping.ResumeFrom(without)).Message);
        stopping.ResumeFrom(with);
        Assert.Equal(0, stopping.EarlyStopper!.State.BestEpoch);
        Assert.True(double.IsNaN(stopping.EarlyStopper.State.BestValue));
    }

    private sealed class Reports(Action report) : IProgress<BatchProgress>
    {
        public void Report(BatchProgress value) => report();
    }
}
