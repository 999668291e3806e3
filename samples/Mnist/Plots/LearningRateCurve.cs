using ModelGen.Samples.Mnist.Training;

namespace ModelGen.Samples.Mnist.Plots;

/// <summary>
/// The learning rate of every training step of a run, for the learning-rate panel of training_curves.png. A schedule is a pure
/// function of the step and the run's length, so the rates are computed here as the trainer computes them before each step
/// (rounded to float, as the optimizer holds them): each epoch's last one is the rate metrics.json records for the epoch.
/// </summary>
public sealed class LearningRateCurve
{
    /// <summary>Wraps <paramref name="rates"/>, one per step, <paramref name="stepsPerEpoch"/> steps an epoch.</summary>
    public LearningRateCurve(double[] rates, int stepsPerEpoch)
    {
        ArgumentNullException.ThrowIfNull(rates);
        ArgumentOutOfRangeException.ThrowIfLessThan(stepsPerEpoch, 1);
        Rates = rates;
        StepsPerEpoch = stepsPerEpoch;
    }

    /// <summary>The rate of each step, in order.</summary>
    public IReadOnlyList<double> Rates { get; }

    /// <summary>Steps in an epoch.</summary>
    public int StepsPerEpoch { get; }

    /// <summary>
    /// The rates of the first <paramref name="epochsRun"/> epochs of <paramref name="batchesPerEpoch"/> steps of a run with
    /// <paramref name="options"/> (whose schedule spans all of its <see cref="TrainingOptions.Epochs"/>).
    /// </summary>
    public static LearningRateCurve For(TrainingOptions options, int batchesPerEpoch, int epochsRun)
    {
        ArgumentNullException.ThrowIfNull(options);
        LearningRateSchedule? schedule = options.CreateSchedule(batchesPerEpoch);
        long totalSteps = (long)options.Epochs * batchesPerEpoch;
        var rates = new double[(long)epochsRun * batchesPerEpoch];
        for (int step = 0; step < rates.Length; step++)
            rates[step] = schedule is null ? (float)options.LearningRate : (float)schedule.LearningRate(step, totalSteps);
        return new LearningRateCurve(rates, batchesPerEpoch);
    }
}
