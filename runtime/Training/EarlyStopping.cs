using System.Globalization;

namespace ModelGen.Training;

/// <summary>What <see cref="EarlyStopping"/> watches after each epoch.</summary>
public enum EarlyStoppingMonitor
{
    /// <summary>The validation loss (Keras' <c>"val_loss"</c>, its default): lower is better.</summary>
    ValidationLoss,

    /// <summary>The validation accuracy (Keras' <c>"val_accuracy"</c>): higher is better. Classifiers only.</summary>
    ValidationAccuracy,
}

/// <summary>
/// Keras' <c>EarlyStopping(monitor, patience, min_delta, restore_best_weights)</c>, for <see cref="FitOptions.EarlyStopping"/>
/// or an <see cref="EarlyStopper"/> in a loop of one's own: after each epoch the monitored validation figure either improves on
/// the best so far by more than <see cref="MinDelta"/> (the epoch becomes the best, and its weights are copied aside), or it
/// does not, and after <see cref="Patience"/> such epochs in a row (at least one) training stops. At the end of the run the
/// model gets the best epoch's weights back, BatchNormalization's running statistics included.
/// </summary>
/// <remarks>
/// Keras' rules, step for step (its <c>on_epoch_end</c>): the first epoch monitored is always an improvement; an epoch
/// improves when value + MinDelta &lt; best for a loss and value − MinDelta &gt; best for an accuracy (a NaN never does);
/// training stops at the first epoch that leaves the count of epochs without improvement at Patience or more. Unlike
/// Keras, <see cref="RestoreBestWeights"/> is on by default, and the best weights are restored whether or not training
/// stopped early (as Keras 3 does; tf.keras 2 restored them only on an early stop). Keras' <c>baseline</c> and
/// <c>start_from_epoch</c> are not offered.
/// </remarks>
public sealed record EarlyStopping
{
    /// <summary>The figure watched; the validation loss by default.</summary>
    public EarlyStoppingMonitor Monitor { get; init; } = EarlyStoppingMonitor.ValidationLoss;

    /// <summary>Epochs without improvement after which training stops; 0 (Keras' default) stops at the first one.</summary>
    public int Patience { get; init; }

    /// <summary>The least change that counts as an improvement, 0 or more (Keras' <c>min_delta</c>, default 0).</summary>
    public double MinDelta { get; init; }

    /// <summary>Give the model the best epoch's weights back at the end of the run (Keras' <c>restore_best_weights</c>; on by default here).</summary>
    public bool RestoreBestWeights { get; init; } = true;

    /// <summary>The monitor's name in Keras' spelling: <c>val_loss</c> or <c>val_accuracy</c>.</summary>
    public string MonitorName => Monitor == EarlyStoppingMonitor.ValidationAccuracy ? "val_accuracy" : "val_loss";

    /// <summary>Whether <paramref name="value"/> improves on <paramref name="best"/> by more than <see cref="MinDelta"/>, in Keras' arithmetic.</summary>
    public bool IsImprovement(double value, double best) =>
        Monitor == EarlyStoppingMonitor.ValidationAccuracy ? value - MinDelta > best : value + MinDelta < best;

    /// <summary>Throws unless the settings make sense.</summary>
    internal void Check(string parameterName)
    {
        if (!Enum.IsDefined(Monitor))
            throw new ArgumentException($"Early stopping's monitor {(int)Monitor} is neither the validation loss nor the validation accuracy.", parameterName);
        if (Patience < 0)
            throw new ArgumentException($"Early stopping's patience is {Patience}; it must be 0 or more epochs.", parameterName);
        if (!(MinDelta >= 0) || double.IsInfinity(MinDelta))
            throw new ArgumentException($"Early stopping's minimum change is {MinDelta.ToString(CultureInfo.InvariantCulture)}; it must be a finite number of 0 or more.", parameterName);
    }
}
