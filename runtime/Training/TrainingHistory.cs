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

/// <summary>
/// What <see cref="ClassifierTrainer{TWorkspace}.Fit"/> returns: a record per epoch run, why it stopped early if it did,
/// and, with <see cref="FitOptions.EarlyStopping"/>, the best epoch and whose weights the model was given back.
/// </summary>
public sealed class TrainingHistory
{
    /// <summary>The epochs run and, when the run ended early, why (<paramref name="stopCause"/> is then not <see cref="TrainingStopCause.None"/>).</summary>
    public TrainingHistory(IReadOnlyList<EpochRecord> epochs, string? stopReason, TrainingStopCause stopCause = TrainingStopCause.None)
    {
        ArgumentNullException.ThrowIfNull(epochs);
        if ((stopReason is null) != (stopCause == TrainingStopCause.None))
            throw new ArgumentException("A stop reason goes with a stop cause other than None, and only then.", nameof(stopCause));
        Epochs = epochs;
        StopReason = stopReason;
        StopCause = stopCause;
    }

    /// <summary>The epochs run, in order; a diverged epoch is the last one, with its partial figures.</summary>
    public IReadOnlyList<EpochRecord> Epochs { get; }

    /// <summary>Why training stopped before the epochs asked for, or null if it ran them all.</summary>
    public string? StopReason { get; }

    /// <summary>What stopped training before the epochs asked for: divergence, early stopping or a callback; None if it ran them all.</summary>
    public TrainingStopCause StopCause { get; }

    /// <summary>Whether training stopped before the epochs asked for.</summary>
    public bool StoppedEarly => StopReason is not null;

    /// <summary>The last epoch run when training stopped early (the epoch it stopped after); null if it ran every epoch asked for.</summary>
    public int? StoppedEpoch => StoppedEarly && Epochs.Count > 0 ? Epochs[^1].Epoch : null;

    /// <summary>With early stopping: the epoch with the best monitored figure so far (over the trainer's life); null without.</summary>
    public int? BestEpoch { get; init; }

    /// <summary>
    /// With early stopping that restores weights: the epoch whose weights (parameters and BatchNormalization statistics) the
    /// model was given back at the end, the best one. Null when the model keeps the weights of the last epoch run.
    /// </summary>
    public int? RestoredEpoch { get; init; }
}
