using System.Globalization;

namespace ModelGen.Training;

/// <summary>
/// <see cref="EarlyStopping"/> at work on one model: told each epoch's monitored figure, it keeps the best epoch's
/// weights and says when to stop. The trainers' <c>Fit</c> makes one from <see cref="FitOptions.EarlyStopping"/>; a loop of
/// one's own (the MNIST sample's) can call <see cref="Update(int, double)"/> after each epoch and
/// <see cref="RestoreBestWeights"/> at the end. All it remembers is in <see cref="State"/>; its buffers are allocated here,
/// once, and a new best epoch copies the weights into them without allocating.
/// </summary>
public sealed class EarlyStopper
{
    private readonly IModel _model;

    /// <summary>Early stopping of <paramref name="model"/> with <paramref name="settings"/>.</summary>
    public EarlyStopper(EarlyStopping settings, IModel model)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(model);
        settings.Check(nameof(settings));
        Settings = settings;
        _model = model;
        State = settings.RestoreBestWeights
            ? new EarlyStoppingState(model.Parameters.Length, model.State.Length, model.Counters.Length)
            : new EarlyStoppingState(0, 0, 0);
    }

    /// <summary>The settings.</summary>
    public EarlyStopping Settings { get; }

    /// <summary>What it remembers: best value and epoch, epochs without improvement, stop epoch, best weights.</summary>
    public EarlyStoppingState State { get; }

    /// <summary>Whether patience ran out at the last epoch it was told of (read from <see cref="State"/>).</summary>
    public bool ShouldStop => State.EpochsWithoutImprovement > 0 && State.EpochsWithoutImprovement >= Settings.Patience;

    /// <summary>After an epoch: reads the monitored figure from <paramref name="epoch"/>; see <see cref="Update(int, double)"/>.</summary>
    /// <exception cref="InvalidOperationException">The record has no such figure (no validation set, or a regressor's accuracy).</exception>
    public bool Update(EpochRecord epoch)
    {
        ArgumentNullException.ThrowIfNull(epoch);
        double? value = Settings.Monitor == EarlyStoppingMonitor.ValidationAccuracy ? epoch.ValidationAccuracy : epoch.ValidationLoss;
        if (value is null)
            throw new InvalidOperationException($"Early stopping monitors {Settings.MonitorName}, and epoch {epoch.Epoch} has no such figure: train with validation data.");
        return Update(epoch.Epoch, value.Value);
    }

    /// <summary>
    /// After epoch <paramref name="epoch"/> (1-based), whose monitored figure is <paramref name="value"/>: an improvement makes it
    /// the best epoch (and copies the model's weights aside when <see cref="EarlyStopping.RestoreBestWeights"/>); otherwise it
    /// counts one more epoch without improvement. Returns true when training should stop here.
    /// </summary>
    public bool Update(int epoch, double value)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(epoch, 1);
        EarlyStoppingState state = State;
        if (state.BestEpoch == 0 || Settings.IsImprovement(value, state.BestValue))
        {
            state.BestEpoch = epoch;
            state.BestValue = value;
            state.EpochsWithoutImprovement = 0;
            if (Settings.RestoreBestWeights) CopyWeights(_model.Parameters, _model.State, _model.Counters, state.BestParameters, state.BestState, state.BestCounters);
            return false;
        }
        state.EpochsWithoutImprovement++;
        if (!ShouldStop) return false;
        state.StoppedEpoch = epoch;
        return true;
    }

    /// <summary>
    /// Gives the model the best epoch's weights back (parameters, running statistics, counters), bit for bit. Does nothing and
    /// returns false when the settings do not restore weights or no epoch has been monitored yet.
    /// </summary>
    public bool RestoreBestWeights()
    {
        if (!Settings.RestoreBestWeights || State.BestEpoch == 0) return false;
        CopyWeights(State.BestParameters, State.BestState, State.BestCounters, _model.Parameters, _model.State, _model.Counters);
        return true;
    }

    /// <summary>Forgets everything (as Keras' <c>on_train_begin</c>), to watch a new run from its first epoch; the buffers stay.</summary>
    public void Reset()
    {
        State.BestEpoch = 0;
        State.BestValue = double.NaN;
        State.EpochsWithoutImprovement = 0;
        State.StoppedEpoch = 0;
    }

    /// <summary>Why training stopped, in words, once <see cref="ShouldStop"/> is set: "early stopping: val_loss did not improve …".</summary>
    public string StopReason
    {
        get
        {
            EarlyStoppingState s = State;
            string delta = Settings.MinDelta > 0 ? string.Create(CultureInfo.InvariantCulture, $" by more than {Settings.MinDelta:G}") : "";
            return string.Create(CultureInfo.InvariantCulture,
                $"early stopping: {Settings.MonitorName} did not improve{delta} for {s.EpochsWithoutImprovement} epoch(s) after epoch {s.BestEpoch} ({s.BestValue:G6}; patience {Settings.Patience}); stopped after epoch {s.StoppedEpoch}");
        }
    }

    private static void CopyWeights(float[] parameters, float[] state, long[] counters, float[] toParameters, float[] toState, long[] toCounters)
    {
        parameters.AsSpan().CopyTo(toParameters);
        state.AsSpan().CopyTo(toState);
        counters.AsSpan().CopyTo(toCounters);
    }
}
