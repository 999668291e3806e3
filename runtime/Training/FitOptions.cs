namespace ModelGen.Training;

/// <summary>How a <see cref="ClassifierTrainer{TWorkspace}"/> draws its batches. With the same options, data and model seed, training is bit-for-bit repeatable.</summary>
public sealed record FitOptions
{
    /// <summary>Keras' default batch size.</summary>
    public const int DefaultBatchSize = 32;

    /// <summary>
    /// Samples per evaluation pass. Large batches amortise the per-call overhead; the batch size also
    /// fixes how the loss is summed, so keep it when comparing figures bit for bit.
    /// </summary>
    public const int DefaultEvaluationBatchSize = 500;

    /// <summary>Samples per training step; the last batch of an epoch holds the remainder.</summary>
    public int BatchSize { get; init; } = DefaultBatchSize;

    /// <summary>
    /// Seeds the shuffles and the <see cref="Augmentation"/> (xoshiro256**). The same value as the model's seed is fine: the
    /// shuffle and augmentation streams are kept apart (<see cref="ClassifierTrainer{TWorkspace}.ShuffleStream"/>, <see cref="ImageAugmenter.AugmentStream"/>).
    /// </summary>
    public ulong Seed { get; init; }

    /// <summary>Reshuffle the training set before each epoch (Keras' default); false keeps the data's order.</summary>
    public bool Shuffle { get; init; } = true;

    /// <summary>Samples per pass when evaluating the validation set.</summary>
    public int EvaluationBatchSize { get; init; } = DefaultEvaluationBatchSize;

    /// <summary>
    /// The learning rate of each step (and, for a schedule that cycles it, the optimizer's momentum term): before
    /// every step the trainer sets the optimizer's <see cref="Optimizer.LearningRate"/> to the schedule's rate for
    /// that step, numbered from 0 over the trainer's life (<see cref="ClassifierTrainer{TWorkspace}.Steps"/>), in a run
    /// of <see cref="ScheduledEpochs"/> epochs. Null (the default) leaves the optimizer's rate as it is.
    /// </summary>
    public LearningRateSchedule? Schedule { get; init; }

    /// <summary>
    /// The run's length in epochs, which <see cref="Schedule"/> spans: the schedule's total steps are
    /// ScheduledEpochs · <see cref="BatchesPerEpoch"/>. Null (the default): each <c>Fit</c> call plans for the epochs
    /// already run plus those it is asked for. Set it to train with a schedule through <c>TrainEpoch</c>, or over
    /// several <c>Fit</c> calls that should follow one schedule.
    /// </summary>
    public int? ScheduledEpochs { get; init; }

    /// <summary>
    /// Image augmentation of each training batch after it is gathered (never of evaluation), drawn from <see cref="Seed"/>
    /// and the step number alone (see <see cref="ImageAugmentation"/>). The model's input must be an image. Null (the
    /// default), or settings with every transform off: batches are used as gathered, bit for bit as without it.
    /// </summary>
    public ImageAugmentation? Augmentation { get; init; }

    /// <summary>
    /// ε of label smoothing for a classifier's training loss, PyTorch's <c>cross_entropy(label_smoothing=ε)</c>: each
    /// sample's target is (1 − ε)·onehot(label) + ε/K for K classes. In [0, 1); 0 (the default) trains on the plain
    /// cross-entropy, bit for bit as before. The trainer sets it on its workspace
    /// (<see cref="IClassifierWorkspace.LabelSmoothing"/>); validation losses stay the plain cross-entropy.
    /// </summary>
    public float LabelSmoothing { get; init; }

    /// <summary>
    /// Keras' <c>validation_split</c>: the fraction of the training set held out as validation data, from 0 (the default: none)
    /// up to (not including) 1. As in Keras, the validation samples are the LAST ones of the data as given, taken before any
    /// shuffling: the first ⌊n · (1 − ValidationSplit)⌋ samples train, the rest validate (see <see cref="LabeledData.Split(double)"/>);
    /// shuffle the data first if its order means something. The trainer copies both parts once, when it is made; <c>Fit</c>
    /// then evaluates the held-out part after each epoch, unless it is given validation data of its own, which is an error.
    /// </summary>
    public double ValidationSplit { get; init; }

    /// <summary>
    /// Keras' <c>EarlyStopping</c> callback: after each epoch of <c>Fit</c>, watch a validation figure, stop when it has not
    /// improved for <see cref="Training.EarlyStopping.Patience"/> epochs, and give the model the best epoch's weights back at
    /// the end. Needs validation data (or <see cref="ValidationSplit"/>). Null (the default): no early stopping. The trainer's
    /// <see cref="ClassifierTrainer{TWorkspace}.EarlyStopper"/> holds its state over the trainer's life, across <c>Fit</c> calls,
    /// and its checkpoints hold it too. After resuming from the checkpoint of a run that early stopping ended,
    /// <see cref="EarlyStopper.ShouldStop"/> is set: check it before calling <c>Fit</c> again, which would train on.
    /// </summary>
    public EarlyStopping? EarlyStopping { get; init; }

    /// <summary>
    /// Called after every epoch of <c>Fit</c> (after its validation pass and early stopping's check) with the epoch's record:
    /// Keras' <c>on_epoch_end</c>. It may stop the run through <see cref="TrainingControl.StopTraining"/>. Null (the default): none.
    /// </summary>
    public EpochEndedCallback? EpochEnded { get; init; }

    /// <summary>
    /// Checkpoints the trainer writes by itself, every few steps and after each epoch of a <c>Fit</c>; null (the default):
    /// none (<see cref="ClassifierTrainer{TWorkspace}.SaveCheckpoint"/> still writes one when asked).
    /// </summary>
    public CheckpointOptions? Checkpoint { get; init; }

    /// <summary>
    /// Steps in one epoch over <paramref name="samples"/> training samples: ⌈samples / BatchSize⌉, or 1 when the batch
    /// holds the whole set. What a schedule's lengths in steps are counted in.
    /// </summary>
    public int BatchesPerEpoch(int samples)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(samples, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(BatchSize, 1, nameof(BatchSize));
        int batch = Math.Min(BatchSize, samples);
        return (samples + batch - 1) / batch;
    }
}
