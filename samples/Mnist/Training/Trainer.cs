using ModelGen.Samples.Mnist.Data;
using ModelGen.Training;

namespace ModelGen.Samples.Mnist.Training;

/// <summary>
/// Trains one of the sample's networks epoch by epoch with the runtime's <see cref="ClassifierTrainer{TWorkspace}"/>.
/// The sample drives the epochs itself, rather than calling Fit, so that each epoch gets its own
/// progress bar and summary line. Non-generic, so the command line need not know the network's workspace type.
/// </summary>
public sealed class Trainer
{
    private readonly IRun _run;

    private Trainer(IRun run) => _run = run;

    /// <summary>
    /// Prepares to train <paramref name="model"/> on <paramref name="train"/> with <paramref name="options"/>' optimizer,
    /// batch size, shuffle seed, learning-rate schedule (spanning its epochs) and augmentation of the training batches, and
    /// its early stopping (whose state the runtime's trainer keeps, and its checkpoints with it; the sample calls it itself).
    /// </summary>
    public static Trainer Create<TWorkspace>(IClassifier<TWorkspace> model, TrainingOptions options, MnistSet train) where TWorkspace : IWorkspace
    {
        var fit = new FitOptions { BatchSize = options.BatchSize, Seed = options.Seed, ScheduledEpochs = options.Epochs, Augmentation = options.Augmentation,
            LabelSmoothing = (float)options.LabelSmoothing, EarlyStopping = options.EarlyStopping };
        LabeledData data = Labeled(train);
        var trainer = new ClassifierTrainer<TWorkspace>(model, options.CreateOptimizer(model), data,
            fit with { Schedule = options.CreateSchedule(fit.BatchesPerEpoch(data.Count)) });
        return new Trainer(new Run<TWorkspace>(trainer));
    }

    /// <summary>The number of batches in one epoch.</summary>
    public int BatchesPerEpoch => _run.BatchesPerEpoch;

    /// <summary>Training steps taken so far (a resumed run's included).</summary>
    public long Steps => _run.Steps;

    /// <summary>Epochs started so far, one in progress included.</summary>
    public int EpochsStarted => _run.EpochsStarted;

    /// <summary>Whether an epoch has started and not ended (the run was resumed from a checkpoint written inside it).</summary>
    public bool EpochInProgress => _run.EpochInProgress;

    /// <summary>Early stopping's settings and state, restored with the run from a checkpoint; null without <c>--early-stopping</c>.</summary>
    public EarlyStopper? EarlyStopper => _run.EarlyStopper;

    /// <summary>
    /// One pass over the training set in a new random order, or the rest of the epoch in progress; <paramref name="afterStep"/>
    /// sees the running figures after each step, between two steps (where a checkpoint may be written). Stops early, with
    /// <see cref="EpochResult.Diverged"/> set, if a loss is not finite.
    /// </summary>
    public EpochResult TrainEpoch(Action<BatchProgress>? afterStep, CancellationToken cancellationToken) =>
        _run.TrainEpoch(afterStep is null ? null : new Callback(afterStep), cancellationToken);

    /// <summary>Writes a checkpoint of the run, with the sample's own entries, to <paramref name="stream"/>.</summary>
    public void WriteCheckpoint(Stream stream, IReadOnlyDictionary<string, string> entries) => _run.WriteCheckpoint(stream, entries);

    /// <summary>Puts the run back where the checkpoint at <paramref name="path"/> left it; returns the sample's own entries.</summary>
    /// <exception cref="Serialization.ModelFileException">The file is damaged or from another run.</exception>
    public IReadOnlyDictionary<string, string> ResumeFrom(string path) => _run.ResumeFrom(path);

    /// <summary>An MNIST split as the runtime's labelled data; the arrays are shared, not copied.</summary>
    public static LabeledData Labeled(MnistSet set) => new(set.Pixels, set.Labels, MnistData.PixelsPerImage);

    // Progress<T> would post each report to the synchronisation context; the bars and checkpoints want it now, on this thread.
    private sealed class Callback(Action<BatchProgress> action) : IProgress<BatchProgress>
    {
        public void Report(BatchProgress value) => action(value);
    }

    // The trainer without its workspace type.
    private interface IRun
    {
        int BatchesPerEpoch { get; }
        long Steps { get; }
        int EpochsStarted { get; }
        bool EpochInProgress { get; }
        EarlyStopper? EarlyStopper { get; }
        EpochResult TrainEpoch(IProgress<BatchProgress>? progress, CancellationToken cancellationToken);
        void WriteCheckpoint(Stream stream, IReadOnlyDictionary<string, string> entries);
        IReadOnlyDictionary<string, string> ResumeFrom(string path);
    }

    private sealed class Run<TWorkspace>(ClassifierTrainer<TWorkspace> trainer) : IRun where TWorkspace : IWorkspace
    {
        public int BatchesPerEpoch => trainer.BatchesPerEpoch;
        public long Steps => trainer.Steps;
        public int EpochsStarted => trainer.EpochsCompleted;
        public bool EpochInProgress => trainer.EpochInProgress;
        public EarlyStopper? EarlyStopper => trainer.EarlyStopper;
        public EpochResult TrainEpoch(IProgress<BatchProgress>? progress, CancellationToken cancellationToken) => trainer.TrainEpoch(progress, cancellationToken);
        public void WriteCheckpoint(Stream stream, IReadOnlyDictionary<string, string> entries) => trainer.WriteCheckpoint(stream, entries);
        public IReadOnlyDictionary<string, string> ResumeFrom(string path) => trainer.ResumeFrom(path);
    }
}
