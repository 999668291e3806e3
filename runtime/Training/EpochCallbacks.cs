namespace ModelGen.Training;

/// <summary>
/// Called by <c>Fit</c> after every epoch, with the epoch's record (its validation figures included) and the run's
/// <see cref="TrainingControl"/>: Keras' <c>Callback.on_epoch_end</c>. Log, plot or save from here; call
/// <see cref="TrainingControl.StopTraining"/> to end the run after this epoch (Keras' <c>model.stop_training = True</c>).
/// Set it in <see cref="FitOptions.EpochEnded"/>; several callbacks combine as any delegates do (<c>log + plot</c>) and run in order.
/// </summary>
/// <param name="epoch">The epoch just finished; for a diverged epoch (the last), its partial figures.</param>
/// <param name="control">The run so far, and the way to stop it.</param>
public delegate void EpochEndedCallback(EpochRecord epoch, TrainingControl control);

/// <summary>Why a <c>Fit</c> call ended before the epochs it was asked for.</summary>
public enum TrainingStopCause
{
    /// <summary>It ran every epoch asked for.</summary>
    None,

    /// <summary>A training loss was NaN or infinite.</summary>
    Diverged,

    /// <summary><see cref="FitOptions.EarlyStopping"/>'s patience ran out.</summary>
    EarlyStopping,

    /// <summary>An <see cref="EpochEndedCallback"/> called <see cref="TrainingControl.StopTraining"/>.</summary>
    Callback,
}

/// <summary>What an <see cref="EpochEndedCallback"/> sees of the run, and its way to stop it. One per <c>Fit</c> call.</summary>
public sealed class TrainingControl
{
    internal TrainingControl(IReadOnlyList<EpochRecord> epochs) => Epochs = epochs;

    /// <summary>This <c>Fit</c> call's epochs so far, the one just finished last.</summary>
    public IReadOnlyList<EpochRecord> Epochs { get; }

    /// <summary>Whether the run ends after this epoch: it diverged, early stopping ran out of patience, or a callback asked.</summary>
    public bool StopRequested => StopCause != TrainingStopCause.None;

    /// <summary>Why the run ends after this epoch; null while it goes on.</summary>
    public string? StopReason { get; private set; }

    /// <summary>What ends the run after this epoch; <see cref="TrainingStopCause.None"/> while it goes on.</summary>
    public TrainingStopCause StopCause { get; private set; }

    /// <summary>
    /// Ends the run after this epoch (no further epoch starts), with <paramref name="reason"/> in the history's
    /// <see cref="TrainingHistory.StopReason"/>. If the run already stops (divergence, early stopping, an earlier callback),
    /// the first reason stays.
    /// </summary>
    public void StopTraining(string reason)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(reason);
        Stop(TrainingStopCause.Callback, reason);
    }

    internal void Stop(TrainingStopCause cause, string reason)
    {
        if (StopRequested) return;
        StopCause = cause;
        StopReason = reason;
    }
}
