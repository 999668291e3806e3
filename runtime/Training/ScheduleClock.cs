namespace ModelGen.Training;

/// <summary>
/// The step count the trainers share, and what a <see cref="FitOptions.Schedule"/> does with it: before each step,
/// the optimizer's learning rate (and, for a schedule that cycles it, its momentum term) for that step's number.
/// Nothing here allocates.
/// </summary>
internal sealed class ScheduleClock
{
    private readonly LearningRateSchedule? _schedule;
    private readonly Optimizer _optimizer;
    private readonly IMomentumOptimizer? _momentum;
    private readonly int _batchesPerEpoch;
    private readonly int? _scheduledEpochs;

    /// <summary>Checks that <paramref name="optimizer"/> has what the options' schedule sets.</summary>
    public ScheduleClock(Optimizer optimizer, FitOptions options, int batchesPerEpoch, string optimizerParameter)
    {
        _schedule = options.Schedule;
        _optimizer = optimizer;
        _batchesPerEpoch = batchesPerEpoch;
        _scheduledEpochs = options.ScheduledEpochs;
        if (_schedule is { CyclesMomentum: true })
        {
            _momentum = optimizer as IMomentumOptimizer ?? throw new ArgumentException(
                $"The schedule cycles the momentum, and {optimizer.GetType().Name} has none; use Sgd, Adam or AdamW, or turn the schedule's momentum cycling off.",
                optimizerParameter);
        }
    }

    /// <summary>Steps taken so far: the 0-based number of the next step (a checkpoint sets it back: a schedule is a function of it alone).</summary>
    public long Steps { get; set; }

    /// <summary>The run's planned steps: the options' <see cref="FitOptions.ScheduledEpochs"/>, else <paramref name="fitEpochs"/> (a Fit call's plan); 0 when neither is known.</summary>
    public long TotalSteps(int? fitEpochs) => (long)(_scheduledEpochs ?? fitEpochs ?? 0) * _batchesPerEpoch;

    /// <summary>Before an epoch: a schedule needs the run's length (<paramref name="totalSteps"/> from <see cref="TotalSteps"/>).</summary>
    public void CheckPlan(long totalSteps)
    {
        if (_schedule is not null && totalSteps < 1)
            throw new InvalidOperationException("A schedule needs the run's length: set FitOptions.ScheduledEpochs to train epoch by epoch, or call Fit.");
    }

    /// <summary>
    /// Before step <see cref="Steps"/>: sets the optimizer's rate (and momentum term) from the schedule, for a run of
    /// <paramref name="totalSteps"/> steps (checked by <see cref="CheckPlan"/>). Without a schedule it leaves the optimizer alone.
    /// </summary>
    public void BeforeStep(long totalSteps)
    {
        if (_schedule is null) return;
        _optimizer.LearningRate = (float)_schedule.LearningRate(Steps, totalSteps);
        if (_momentum is not null) _momentum.Momentum = (float)_schedule.Momentum(Steps, totalSteps);
    }

    /// <summary>After a step.</summary>
    public void AfterStep() => Steps++;
}
