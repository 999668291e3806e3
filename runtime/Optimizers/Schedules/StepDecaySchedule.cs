namespace ModelGen;

/// <summary>
/// Step decay, PyTorch's <c>StepLR</c>: the rate is multiplied by <see cref="Gamma"/> every <see cref="StepSize"/>
/// steps. Step t (0-based) uses initial · γ^⌊t / StepSize⌋ (StepLR's closed form), whatever the run's length.
/// </summary>
/// <remarks>
/// PyTorch's StepLR counts its own <c>scheduler.step()</c> calls. Stepped after every batch, its <c>step_size</c> is
/// this <see cref="StepSize"/>. Stepped once per epoch, as its documentation shows, <c>step_size = k</c> epochs gives
/// every batch of epoch e (0-based) the rate initial · γ^⌊e / k⌋; with S steps per epoch, step t is in epoch ⌊t / S⌋
/// and ⌊⌊t / S⌋ / k⌋ = ⌊t / (k·S)⌋, so that is this schedule with <c>stepSize = k·S</c>
/// (<see cref="Training.FitOptions.BatchesPerEpoch"/> gives S).
/// </remarks>
public sealed class StepDecaySchedule : LearningRateSchedule
{
    /// <summary>A rate that starts at <paramref name="initialRate"/> and is multiplied by <paramref name="gamma"/> every <paramref name="stepSize"/> steps.</summary>
    /// <param name="initialRate">The rate of the first <paramref name="stepSize"/> steps; positive and finite.</param>
    /// <param name="stepSize">Steps between two decays; at least 1.</param>
    /// <param name="gamma">The factor of each decay, in (0, 1]; PyTorch's default 0.1.</param>
    public StepDecaySchedule(double initialRate, long stepSize, double gamma = 0.1)
    {
        InitialRate = Positive(initialRate, nameof(initialRate));
        StepSize = stepSize >= 1 ? stepSize : throw new ArgumentOutOfRangeException(nameof(stepSize), stepSize, "The steps between two decays must be at least 1.");
        Gamma = gamma > 0 && gamma <= 1 ? gamma : throw new ArgumentOutOfRangeException(nameof(gamma), gamma, "The decay factor γ must be in (0, 1].");
    }

    /// <summary>The rate of the first <see cref="StepSize"/> steps.</summary>
    public double InitialRate { get; }

    /// <summary>Steps between two decays.</summary>
    public long StepSize { get; }

    /// <summary>The factor of each decay.</summary>
    public double Gamma { get; }

    /// <inheritdoc />
    protected override double RateAt(long stepIndex, long totalSteps) => InitialRate * Math.Pow(Gamma, stepIndex / StepSize);
}
