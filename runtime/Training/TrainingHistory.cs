namespace ModelGen.Training;

/// <summary>One epoch of <see cref="ClassifierTrainer{TWorkspace}.Fit"/>.</summary>
/// <param name="Epoch">1-based.</param>
/// <param name="Loss">The epoch's mean training loss (running, as Keras reports it).</param>
/// <param name="Accuracy">The epoch's training accuracy (running, training mode), 0..1; NaN for a regressor.</param>
/// <param name="ValidationLoss">Mean loss on the validation set after the epoch; null without one, or after divergence.</param>
/// <param name="ValidationAccuracy">Accuracy on the validation set after the epoch; null without one, after divergence, or for a regressor.</param>
/// <param name="Seconds">The training pass alone.</param>
/// <param name="ValidationSeconds">The validation pass after it; 0 without one.</param>
/// <param name="LearningRate">The optimizer's learning rate for the epoch's last step.</param>
public sealed record EpochRecord(int Epoch, double Loss, double Accuracy, double? ValidationLoss, double? ValidationAccuracy, double Seconds, double ValidationSeconds,
    double LearningRate);

/// <summary>What <see cref="ClassifierTrainer{TWorkspace}.Fit"/> returns: a record per epoch run, and why it stopped early if it did.</summary>
public sealed class TrainingHistory(IReadOnlyList<EpochRecord> epochs, string? stopReason)
{
    /// <summary>The epochs run, in order; a diverged epoch is the last one, with its partial figures.</summary>
    public IReadOnlyList<EpochRecord> Epochs { get; } = epochs;

    /// <summary>Why training stopped before the epochs asked for, or null if it ran them all.</summary>
    public string? StopReason { get; } = stopReason;

    /// <summary>Whether training stopped before the epochs asked for.</summary>
    public bool StoppedEarly => StopReason is not null;
}
