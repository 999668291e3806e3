namespace ModelGen;

/// <summary>
/// Cosine annealing after a linear warm-up: over the first W steps the rate climbs linearly from
/// <see cref="WarmupStartFactor"/> · peak towards the peak, then follows half a cosine from the peak down towards
/// <see cref="MinRate"/> over the rest of the run. PyTorch's
/// <c>SequentialLR([LinearLR(start_factor = s, total_iters = W), CosineAnnealingLR(T_max = T − W, eta_min = min)], milestones = [W])</c>
/// stepped after every batch, for a run of T steps.
/// </summary>
/// <remarks>
/// Step t (0-based) of a run of T steps uses
/// <list type="bullet">
/// <item>t &lt; W: peak · (s + (1 − s) · t / W), LinearLR's closed form: s · peak at step 0, and just below the peak at
/// step W − 1 (the peak itself is step W's);</item>
/// <item>t ≥ W: min + (peak − min) · (1 + cos(π · (t − W) / (T − W))) / 2, CosineAnnealingLR's closed form: the peak at
/// step W, and at the last step (t = T − 1) a little above the minimum, which would be step T's rate.</item>
/// </list>
/// Without warm-up (W = 0) it is CosineAnnealingLR(T_max = T) alone. A warm-up as long as the run or longer leaves
/// only the linear part.
/// </remarks>
public sealed class CosineSchedule : LearningRateSchedule
{
    /// <summary>Cosine annealing from <paramref name="peakRate"/> to <paramref name="minRate"/> after <paramref name="warmupSteps"/> steps of linear warm-up.</summary>
    /// <param name="peakRate">The rate at the end of the warm-up (the first step's without one); positive and finite.</param>
    /// <param name="warmupSteps">Steps of linear warm-up; 0 for none.</param>
    /// <param name="minRate">The rate the cosine descends to, from 0 to <paramref name="peakRate"/>; PyTorch's <c>eta_min</c>, 0 by default.</param>
    /// <param name="warmupStartFactor">The first warm-up step's rate as a fraction of the peak, in (0, 1]; LinearLR's <c>start_factor</c>.</param>
    public CosineSchedule(double peakRate, long warmupSteps = 0, double minRate = 0, double warmupStartFactor = 0.01)
    {
        PeakRate = Positive(peakRate, nameof(peakRate));
        WarmupSteps = warmupSteps >= 0 ? warmupSteps : throw new ArgumentOutOfRangeException(nameof(warmupSteps), warmupSteps, "The warm-up steps cannot be negative.");
        MinRate = minRate >= 0 && minRate <= peakRate ? minRate
            : throw new ArgumentOutOfRangeException(nameof(minRate), minRate, $"The minimum rate must be from 0 to the peak rate {peakRate.ToString(System.Globalization.CultureInfo.InvariantCulture)}.");
        WarmupStartFactor = warmupStartFactor > 0 && warmupStartFactor <= 1 ? warmupStartFactor
            : throw new ArgumentOutOfRangeException(nameof(warmupStartFactor), warmupStartFactor, "The warm-up's start factor must be in (0, 1].");
    }

    /// <summary>The rate at the end of the warm-up.</summary>
    public double PeakRate { get; }

    /// <summary>Steps of linear warm-up.</summary>
    public long WarmupSteps { get; }

    /// <summary>The rate the cosine descends to.</summary>
    public double MinRate { get; }

    /// <summary>The first warm-up step's rate as a fraction of the peak.</summary>
    public double WarmupStartFactor { get; }

    /// <inheritdoc />
    protected override double RateAt(long stepIndex, long totalSteps)
    {
        if (stepIndex < WarmupSteps)
            return PeakRate * (WarmupStartFactor + (1 - WarmupStartFactor) * stepIndex / WarmupSteps);
        long cosineSteps = totalSteps - WarmupSteps; // at least 1: WarmupSteps ≤ stepIndex < totalSteps
        return MinRate + (PeakRate - MinRate) * (1 + Math.Cos(Math.PI * (stepIndex - WarmupSteps) / cosineSteps)) / 2;
    }
}
