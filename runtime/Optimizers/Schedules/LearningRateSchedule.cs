namespace ModelGen;

/// <summary>
/// A learning rate per training step, as PyTorch's <c>torch.optim.lr_scheduler</c> and Keras' learning-rate
/// schedules give: a pure function of the 0-based step number and the run's length in steps, so a run resumed
/// at step t needs nothing but t. The trainers take one in <see cref="Training.FitOptions.Schedule"/> and set the
/// optimizer's <see cref="Optimizer.LearningRate"/> from it before each step (and, for a schedule that cycles
/// momentum, SGD's μ or Adam's β1 through <see cref="IMomentumOptimizer"/>). Computing a rate allocates nothing.
/// </summary>
/// <remarks>
/// Rates are computed in double, as PyTorch's schedulers compute them, and rounded to float only when they reach the
/// optimizer. Step t is the (t + 1)-th optimizer step; PyTorch's equivalent is the rate in force for the
/// (t + 1)-th <c>optimizer.step()</c> when <c>scheduler.step()</c> is called after every batch. A step at or past
/// the end of the run gets the last step's rate: a schedule never extrapolates.
/// </remarks>
public abstract class LearningRateSchedule
{
    /// <summary>The learning rate of step <paramref name="step"/> (0-based) of a run of <paramref name="totalSteps"/> steps.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="step"/> is negative or <paramref name="totalSteps"/> is below 1.</exception>
    public double LearningRate(long step, long totalSteps)
    {
        Check(step, totalSteps);
        return RateAt(Math.Min(step, totalSteps - 1), totalSteps);
    }

    /// <summary>Whether the schedule also sets the optimizer's momentum term (SGD's μ, Adam's β1) each step.</summary>
    public virtual bool CyclesMomentum => false;

    /// <summary>
    /// The momentum term (SGD's μ, Adam's β1) of step <paramref name="step"/> (0-based) of a run of
    /// <paramref name="totalSteps"/> steps when <see cref="CyclesMomentum"/> is set; NaN otherwise.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="step"/> is negative or <paramref name="totalSteps"/> is below 1.</exception>
    public double Momentum(long step, long totalSteps)
    {
        Check(step, totalSteps);
        return CyclesMomentum ? MomentumAt(Math.Min(step, totalSteps - 1), totalSteps) : double.NaN;
    }

    /// <summary>The rate of a step inside the run: 0 ≤ <paramref name="stepIndex"/> &lt; <paramref name="totalSteps"/>.</summary>
    protected abstract double RateAt(long stepIndex, long totalSteps);

    /// <summary>The momentum term of a step inside the run, for a schedule that sets <see cref="CyclesMomentum"/>.</summary>
    protected virtual double MomentumAt(long stepIndex, long totalSteps) => double.NaN;

    /// <summary>Throws the one-line error for a rate that is not a positive, finite number.</summary>
    protected static double Positive(double rate, string name) =>
        rate > 0 && double.IsFinite(rate) ? rate : throw new ArgumentOutOfRangeException(name, rate, "A learning rate must be a positive, finite number.");

    private static void Check(long step, long totalSteps)
    {
        if (totalSteps < 1) throw new ArgumentOutOfRangeException(nameof(totalSteps), totalSteps, "A run has at least one step.");
        if (step < 0) throw new ArgumentOutOfRangeException(nameof(step), step, "Steps are numbered from 0.");
    }
}
