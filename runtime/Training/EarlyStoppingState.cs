namespace ModelGen.Training;

/// <summary>
/// Everything early stopping remembers between epochs, as plain data: the best value and epoch, the epochs without
/// improvement since, the epoch it stopped at, and the best epoch's weights. An <see cref="EarlyStopper"/> owns one
/// (<see cref="EarlyStopper.State"/>); a checkpoint that saves these members and sets them back on a fresh stopper for
/// the same model resumes early stopping exactly where it was.
/// </summary>
/// <remarks>
/// The weight buffers are allocated once, when the stopper is made (empty when it does not restore weights), and
/// overwritten in place at each new best epoch: they hold the model's <see cref="IModel.Parameters"/>,
/// <see cref="IModel.State"/> (BatchNormalization's running statistics) and <see cref="IModel.Counters"/> as they were
/// at the end of <see cref="BestEpoch"/>. Nothing else is needed: the settings are the <see cref="EarlyStopping"/> record's.
/// </remarks>
public sealed class EarlyStoppingState
{
    /// <summary>A state with nothing monitored yet and weight buffers of the given lengths.</summary>
    public EarlyStoppingState(int parameterCount, int stateCount, int counterCount)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(parameterCount);
        ArgumentOutOfRangeException.ThrowIfNegative(stateCount);
        ArgumentOutOfRangeException.ThrowIfNegative(counterCount);
        BestParameters = new float[parameterCount];
        BestState = new float[stateCount];
        BestCounters = new long[counterCount];
    }

    /// <summary>The 1-based epoch with the best monitored value so far; 0 before the first epoch is monitored.</summary>
    public int BestEpoch { get; set; }

    /// <summary>The best monitored value so far (that of <see cref="BestEpoch"/>); NaN before the first.</summary>
    public double BestValue { get; set; } = double.NaN;

    /// <summary>Epochs monitored since <see cref="BestEpoch"/> without improvement (Keras' <c>wait</c>).</summary>
    public int EpochsWithoutImprovement { get; set; }

    /// <summary>The epoch at which patience ran out (Keras' <c>stopped_epoch</c>); 0 while it has not.</summary>
    public int StoppedEpoch { get; set; }

    /// <summary>The model's parameters at the end of <see cref="BestEpoch"/>; empty when the weights are not restored.</summary>
    public float[] BestParameters { get; }

    /// <summary>The model's <see cref="IModel.State"/> (BatchNormalization's running statistics) at the end of <see cref="BestEpoch"/>.</summary>
    public float[] BestState { get; }

    /// <summary>The model's <see cref="IModel.Counters"/> at the end of <see cref="BestEpoch"/>.</summary>
    public long[] BestCounters { get; }

    /// <summary>Copies every member of <paramref name="source"/> (a state saved for the same model) into this one.</summary>
    public void CopyFrom(EarlyStoppingState source)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (source.BestParameters.Length != BestParameters.Length || source.BestState.Length != BestState.Length || source.BestCounters.Length != BestCounters.Length)
            throw new ArgumentException(
                $"The saved early-stopping state holds {source.BestParameters.Length} parameters, {source.BestState.Length} state values and {source.BestCounters.Length} counters; " +
                $"this one {BestParameters.Length}, {BestState.Length} and {BestCounters.Length}.", nameof(source));
        BestEpoch = source.BestEpoch;
        BestValue = source.BestValue;
        EpochsWithoutImprovement = source.EpochsWithoutImprovement;
        StoppedEpoch = source.StoppedEpoch;
        source.BestParameters.AsSpan().CopyTo(BestParameters);
        source.BestState.AsSpan().CopyTo(BestState);
        source.BestCounters.AsSpan().CopyTo(BestCounters);
    }
}
