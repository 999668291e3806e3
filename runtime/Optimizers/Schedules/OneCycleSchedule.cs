namespace ModelGen;

/// <summary>
/// The one-cycle policy (Smith and Topin), PyTorch's <c>OneCycleLR</c> with its defaults (two phases, cosine
/// annealing): the rate climbs from max / <see cref="DivFactor"/> to the maximum over the first
/// <see cref="PctStart"/> of the run, then falls to max / (<see cref="DivFactor"/> · <see cref="FinalDivFactor"/>) at
/// the last step; the momentum term (SGD's μ, Adam's β1) moves the other way, from <see cref="MaxMomentum"/> down to
/// <see cref="BaseMomentum"/> and back, unless <see cref="CyclesMomentum"/> is off.
/// </summary>
/// <remarks>
/// For a run of T steps (PyTorch's <c>total_steps</c>, or <c>epochs · steps_per_epoch</c>: this schedule's
/// totalSteps), with e = PctStart · T − 1 computed in double as PyTorch does and
/// anneal(a, b, x) = b + (a − b) / 2 · (cos(π·x) + 1), step t (0-based) uses
/// <list type="bullet">
/// <item>t ≤ e: rate anneal(max / div, max, t / e), momentum anneal(maxMomentum, baseMomentum, t / e);</item>
/// <item>t &gt; e: rate anneal(max, max / (div · finalDiv), (t − e) / (T − 1 − e)), momentum anneal(baseMomentum, maxMomentum, same).</item>
/// </list>
/// So step 0 has max / div, the last step (t = T − 1) exactly max / (div · finalDiv), and the maximum falls on
/// step ⌊e⌋ when e is whole. This is the rate PyTorch has in force for its (t + 1)-th <c>optimizer.step()</c> when
/// <c>scheduler.step()</c> follows every batch (it raises past T steps; here later steps keep the last rate). Where e
/// is 0 (PctStart · T = 1), PyTorch divides 0 by 0 at step 0; here that one-step phase gives the maximum.
/// PyTorch's <c>three_phase</c> and linear annealing are not offered.
/// </remarks>
public sealed class OneCycleSchedule : LearningRateSchedule
{
    /// <summary>A one-cycle schedule peaking at <paramref name="maxRate"/>, with PyTorch's defaults for everything else.</summary>
    /// <param name="maxRate">The peak rate, PyTorch's <c>max_lr</c>; positive and finite.</param>
    /// <param name="pctStart">The fraction of the run spent climbing, in [0, 1]; PyTorch's default 0.3.</param>
    /// <param name="divFactor">The first step's rate is maxRate / divFactor; at least 1, PyTorch's default 25.</param>
    /// <param name="finalDivFactor">The last step's rate is the first's / finalDivFactor; at least 1, PyTorch's default 1e4.</param>
    /// <param name="cycleMomentum">Whether to cycle the optimizer's momentum term (SGD's μ, Adam's β1) inversely to the rate, as PyTorch does by default.</param>
    /// <param name="baseMomentum">The momentum term at the peak rate, in [0, 1); PyTorch's default 0.85.</param>
    /// <param name="maxMomentum">The momentum term at the first and last steps, in [<paramref name="baseMomentum"/>, 1); PyTorch's default 0.95.</param>
    public OneCycleSchedule(double maxRate, double pctStart = 0.3, double divFactor = 25, double finalDivFactor = 1e4,
        bool cycleMomentum = true, double baseMomentum = 0.85, double maxMomentum = 0.95)
    {
        MaxRate = Positive(maxRate, nameof(maxRate));
        PctStart = pctStart >= 0 && pctStart <= 1 ? pctStart : throw new ArgumentOutOfRangeException(nameof(pctStart), pctStart, "The fraction of the run spent climbing must be in [0, 1].");
        DivFactor = divFactor >= 1 && double.IsFinite(divFactor) ? divFactor : throw new ArgumentOutOfRangeException(nameof(divFactor), divFactor, "The division factor must be a finite number of at least 1.");
        FinalDivFactor = finalDivFactor >= 1 && double.IsFinite(finalDivFactor) ? finalDivFactor
            : throw new ArgumentOutOfRangeException(nameof(finalDivFactor), finalDivFactor, "The final division factor must be a finite number of at least 1.");
        BaseMomentum = baseMomentum >= 0 && baseMomentum < 1 ? baseMomentum : throw new ArgumentOutOfRangeException(nameof(baseMomentum), baseMomentum, "The base momentum must be in [0, 1).");
        MaxMomentum = maxMomentum >= baseMomentum && maxMomentum < 1 ? maxMomentum
            : throw new ArgumentOutOfRangeException(nameof(maxMomentum), maxMomentum, "The maximum momentum must be in [base momentum, 1).");
        _cyclesMomentum = cycleMomentum;
    }

    private readonly bool _cyclesMomentum;

    /// <summary>The peak rate.</summary>
    public double MaxRate { get; }

    /// <summary>The fraction of the run spent climbing.</summary>
    public double PctStart { get; }

    /// <summary>The first step's rate is <see cref="MaxRate"/> / DivFactor.</summary>
    public double DivFactor { get; }

    /// <summary>The last step's rate is the first's / FinalDivFactor.</summary>
    public double FinalDivFactor { get; }

    /// <summary>The momentum term at the peak rate.</summary>
    public double BaseMomentum { get; }

    /// <summary>The momentum term at the first and last steps.</summary>
    public double MaxMomentum { get; }

    /// <inheritdoc />
    public override bool CyclesMomentum => _cyclesMomentum;

    /// <inheritdoc />
    protected override double RateAt(long stepIndex, long totalSteps)
    {
        double initial = MaxRate / DivFactor;
        (bool climbing, double fraction) = Phase(stepIndex, totalSteps);
        return climbing ? Anneal(initial, MaxRate, fraction) : Anneal(MaxRate, initial / FinalDivFactor, fraction);
    }

    /// <inheritdoc />
    protected override double MomentumAt(long stepIndex, long totalSteps)
    {
        (bool climbing, double fraction) = Phase(stepIndex, totalSteps);
        return climbing ? Anneal(MaxMomentum, BaseMomentum, fraction) : Anneal(BaseMomentum, MaxMomentum, fraction);
    }

    // PyTorch's phases: the first ends at step pct_start·T − 1 (a double), the second at T − 1.
    private (bool Climbing, double Fraction) Phase(long step, long totalSteps)
    {
        double peak = PctStart * totalSteps - 1;
        if (step <= peak) return (true, peak > 0 ? step / peak : 1);
        return (false, (step - peak) / (totalSteps - 1 - peak));
    }

    private static double Anneal(double start, double end, double fraction) => end + (start - end) / 2.0 * (Math.Cos(Math.PI * fraction) + 1);
}
