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
    private readonly Func<IProgress<BatchProgress>?, CancellationToken, EpochResult> _trainEpoch;

    private Trainer(Func<IProgress<BatchProgress>?, CancellationToken, EpochResult> trainEpoch, int batchesPerEpoch)
    {
        _trainEpoch = trainEpoch;
        BatchesPerEpoch = batchesPerEpoch;
    }

    /// <summary>
    /// Prepares to train <paramref name="model"/> on <paramref name="train"/> with <paramref name="options"/>' optimizer,
    /// batch size, shuffle seed, learning-rate schedule (spanning its epochs) and augmentation of the training batches.
    /// </summary>
    public static Trainer Create<TWorkspace>(IClassifier<TWorkspace> model, TrainingOptions options, MnistSet train) where TWorkspace : IWorkspace
    {
        var fit = new FitOptions { BatchSize = options.BatchSize, Seed = options.Seed, ScheduledEpochs = options.Epochs, Augmentation = options.Augmentation,
            LabelSmoothing = (float)options.LabelSmoothing };
        LabeledData data = Labeled(train);
        var trainer = new ClassifierTrainer<TWorkspace>(model, options.CreateOptimizer(model), data,
            fit with { Schedule = options.CreateSchedule(fit.BatchesPerEpoch(data.Count)) });
        return new Trainer(trainer.TrainEpoch, trainer.BatchesPerEpoch);
    }

    /// <summary>The number of batches in one epoch.</summary>
    public int BatchesPerEpoch { get; }

    /// <summary>
    /// One pass over the training set in a new random order; <paramref name="onBatch"/> sees the running
    /// figures after each step. Stops early, with <see cref="EpochResult.Diverged"/> set, if a loss is not finite.
    /// </summary>
    public EpochResult TrainEpoch(Action<BatchProgress>? onBatch, CancellationToken cancellationToken) =>
        _trainEpoch(onBatch is null ? null : new Callback(onBatch), cancellationToken);

    /// <summary>An MNIST split as the runtime's labelled data; the arrays are shared, not copied.</summary>
    public static LabeledData Labeled(MnistSet set) => new(set.Pixels, set.Labels, MnistData.PixelsPerImage);

    // Progress<T> would post each report to the synchronisation context; the bars want it now, on this thread.
    private sealed class Callback(Action<BatchProgress> action) : IProgress<BatchProgress>
    {
        public void Report(BatchProgress value) => action(value);
    }
}
