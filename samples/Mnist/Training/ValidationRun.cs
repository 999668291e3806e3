using System.Globalization;
using ModelGen.Samples.Mnist.Data;
using ModelGen.Training;

namespace ModelGen.Samples.Mnist.Training;

/// <summary>
/// <c>train --validation-split</c> and <c>--early-stopping</c>: the last fraction of the training images held out (Keras'
/// validation_split, through the runtime's <see cref="LabeledData.Split(double)"/>), evaluated after every epoch, and the
/// runtime's <see cref="EarlyStopper"/> watching its figures. The sample drives its epochs itself, so it calls the stopper
/// as Fit would: after each epoch, and once at the end to give the model its best epoch's weights back. The stopper is the
/// trainer's (<see cref="Trainer.EarlyStopper"/>), so the run's checkpoints hold its state and a resumed run goes on with it.
/// </summary>
public sealed class ValidationRun
{
    /// <summary>A run over the held-out <paramref name="set"/>, early stopping with <paramref name="stopper"/> (null for none).</summary>
    public ValidationRun(MnistSet set, EarlyStopper? stopper)
    {
        ArgumentNullException.ThrowIfNull(set);
        Set = set;
        Stopper = stopper;
    }

    /// <summary>The held-out validation images.</summary>
    public MnistSet Set { get; }

    /// <summary>Early stopping on <see cref="Set"/>'s figures, or null without <c>--early-stopping</c>.</summary>
    public EarlyStopper? Stopper { get; }

    /// <summary>
    /// The training images to train on, and the held-out ones; <paramref name="train"/> itself and null when
    /// <paramref name="options"/> hold nothing out. A split that would leave either part empty is a one-line error.
    /// </summary>
    public static (MnistSet Train, MnistSet? HeldOut) Split(MnistSet train, TrainingOptions options)
    {
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(options);
        if (options.ValidationSplit == 0) return (train, null);
        (LabeledData kept, LabeledData heldOut) parts;
        try
        {
            parts = Trainer.Labeled(train).Split(options.ValidationSplit);
        }
        catch (ArgumentException)
        {
            throw new SampleException(string.Create(CultureInfo.InvariantCulture,
                $"--validation-split {options.ValidationSplit:G} leaves no image on one side of the {train.Count:N0} training images; give a fraction that keeps some for both."));
        }
        return (new MnistSet(parts.kept.Inputs, parts.kept.Labels), new MnistSet(parts.heldOut.Inputs, parts.heldOut.Labels));
    }

    /// <summary>After epoch <paramref name="epoch"/>, whose validation figures are <paramref name="validation"/>: true when early stopping ends the run here.</summary>
    public bool AfterEpoch(int epoch, Evaluation validation)
    {
        ArgumentNullException.ThrowIfNull(validation);
        if (Stopper is null) return false;
        double value = Stopper.Settings.Monitor == EarlyStoppingMonitor.ValidationAccuracy ? validation.Accuracy : validation.Loss;
        return Stopper.Update(epoch, value);
    }

    /// <summary>At the end of the run: gives the model the best epoch's weights back and returns that epoch; null without early stopping.</summary>
    public int? RestoreBestWeights() => Stopper is not null && Stopper.RestoreBestWeights() ? Stopper.State.BestEpoch : null;

    /// <summary>What early stopping did, for metrics.json; null without it.</summary>
    public EarlyStoppingResult? Result(int restoredEpoch)
    {
        if (Stopper is null) return null;
        EarlyStoppingState state = Stopper.State;
        bool stopped = state.StoppedEpoch > 0;
        return new EarlyStoppingResult(state.BestEpoch, state.BestValue, stopped ? state.StoppedEpoch : null, restoredEpoch, stopped ? Stopper.StopReason : null);
    }

    /// <summary>Early stopping's settings for metrics.json; null without it.</summary>
    public EarlyStoppingSettings? Settings =>
        Stopper?.Settings is { } s ? new EarlyStoppingSettings(s.MonitorName, s.Patience, s.MinDelta, s.RestoreBestWeights) : null;
}
