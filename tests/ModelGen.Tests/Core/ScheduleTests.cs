namespace ModelGen.Tests.Core;

/// <summary>
/// The learning-rate schedules against values computed by hand from their documented formulas: the first step, the
/// end of a warm-up or phase, a middle step and the last step; and their one-line argument errors.
/// </summary>
public sealed class ScheduleTests
{
    private const double Exact = 1e-15;

    private static void Near(double expected, double actual) =>
        Assert.True(Math.Abs(expected - actual) <= Exact * Math.Max(1, Math.Abs(expected)), $"expected {expected:R}, got {actual:R}");

    [Fact]
    public void Constant_gives_its_rate_at_every_step()
    {
        var schedule = new ConstantSchedule(0.05);
        foreach (long step in new long[] { 0, 1, 50, 99, 100, 10_000 }) Assert.Equal(0.05, schedule.LearningRate(step, 100));
        Assert.False(schedule.CyclesMomentum);
        Assert.True(double.IsNaN(schedule.Momentum(0, 100)));
    }

    [Fact]
    public void Step_decay_multiplies_by_gamma_every_step_size_steps()
    {
        var schedule = new StepDecaySchedule(0.1, stepSize: 30, gamma: 0.1);
        Near(0.1, schedule.LearningRate(0, 100));
        Near(0.1, schedule.LearningRate(29, 100)); // the last step before the first decay
        Near(0.01, schedule.LearningRate(30, 100));
        Near(0.001, schedule.LearningRate(60, 100));
        Near(1e-4, schedule.LearningRate(99, 100)); // the last step: ⌊99 / 30⌋ = 3 decays
        Near(1e-4, schedule.LearningRate(500, 100)); // past the end: the last step's rate
    }

    [Fact]
    public void Step_decay_per_epoch_is_step_decay_per_epoch_times_steps_per_epoch()
    {
        // PyTorch's StepLR(step_size = 2 epochs, γ = 0.5) stepped once per epoch, with 7 batches an epoch.
        var schedule = new StepDecaySchedule(1.0, stepSize: 2 * 7, gamma: 0.5);
        for (int step = 0; step < 70; step++) Near(Math.Pow(0.5, step / 7 / 2), schedule.LearningRate(step, 70));
    }

    [Fact]
    public void Cosine_warms_up_linearly_then_anneals_to_the_minimum()
    {
        // Peak 1, minimum 0.1, 10 warm-up steps from 0.01 of the peak, 110 steps: 100 of cosine.
        var schedule = new CosineSchedule(1.0, warmupSteps: 10, minRate: 0.1, warmupStartFactor: 0.01);
        Near(0.01, schedule.LearningRate(0, 110));
        Near(0.505, schedule.LearningRate(5, 110)); // 0.01 + 0.99 · 5/10
        Near(0.901, schedule.LearningRate(9, 110)); // the warm-up's last step: 0.01 + 0.99 · 9/10
        Near(1.0, schedule.LearningRate(10, 110)); // the warm-up's end: the peak
        Near(0.55, schedule.LearningRate(60, 110)); // half way down: 0.1 + 0.9 · (1 + cos(π/2)) / 2
        Near(0.10022204783542078, schedule.LearningRate(109, 110)); // 0.1 + 0.9 · (1 + cos(0.99π)) / 2
    }

    [Fact]
    public void Cosine_without_warm_up_starts_at_the_peak()
    {
        var schedule = new CosineSchedule(0.2);
        Near(0.2, schedule.LearningRate(0, 4));
        Near(0.2 * (1 + Math.Cos(Math.PI / 4)) / 2, schedule.LearningRate(1, 4));
        Near(0.1, schedule.LearningRate(2, 4));
        Near(0.2 * (1 + Math.Cos(3 * Math.PI / 4)) / 2, schedule.LearningRate(3, 4));
        // A warm-up longer than the run leaves only the climb.
        Near(0.2 * (0.01 + 0.99 * 3 / 10.0), new CosineSchedule(0.2, warmupSteps: 10).LearningRate(3, 4));
    }

    [Fact]
    public void One_cycle_climbs_for_30_percent_and_anneals_to_max_over_div_times_final_div()
    {
        // PyTorch's defaults: initial 1/25 = 0.04, final 0.04 / 1e4 = 4e-6; the climb ends at step 0.3·100 − 1 = 29.
        var schedule = new OneCycleSchedule(1.0);
        Assert.True(schedule.CyclesMomentum);
        Near(0.04, schedule.LearningRate(0, 100));
        Near(0.95, schedule.Momentum(0, 100));
        Near(0.5459866761210004, schedule.LearningRate(15, 100)); // 1 + (0.04 − 1)/2 · (cos(15π/29) + 1)
        Near(0.897293054570729, schedule.Momentum(15, 100));
        Near(1.0, schedule.LearningRate(29, 100)); // the peak
        Near(0.85, schedule.Momentum(29, 100));
        Near(0.500002, schedule.LearningRate(64, 100)); // half way down: (1 + 4e-6) / 2
        Near(0.9, schedule.Momentum(64, 100));
        Assert.Equal(4e-6, schedule.LearningRate(99, 100)); // the last step: exactly the final rate
        Assert.Equal(0.95, schedule.Momentum(99, 100));
        Assert.Equal(4e-6, schedule.LearningRate(100, 100)); // past the end: the last step's
    }

    [Fact]
    public void One_cycle_without_momentum_cycling_leaves_the_momentum()
    {
        var schedule = new OneCycleSchedule(0.1, pctStart: 0.25, divFactor: 10, finalDivFactor: 100, cycleMomentum: false);
        Assert.False(schedule.CyclesMomentum);
        Assert.True(double.IsNaN(schedule.Momentum(3, 8)));
        Near(0.01, schedule.LearningRate(0, 8));
        Near(0.1, schedule.LearningRate(1, 8)); // the climb ends at 0.25 · 8 − 1 = 1
        Near(1e-4, schedule.LearningRate(7, 8));
        // A climb of one step (0.1 · 10 − 1 = 0): step 0 takes its end, the peak.
        Near(0.1, new OneCycleSchedule(0.1, pctStart: 0.1).LearningRate(0, 10));
        Near(0.1 / 25 / 1e4, new OneCycleSchedule(0.1).LearningRate(0, 1)); // a run of one step is its own last
    }

    [Fact]
    public void Schedules_refuse_bad_arguments_in_one_line()
    {
        void Refused(Action create, string parameter)
        {
            var error = Assert.Throws<ArgumentOutOfRangeException>(create);
            Assert.Equal(parameter, error.ParamName);
            // .NET appends "(Parameter '…')" and the actual value on lines of their own; the sentence itself is one line.
            Assert.DoesNotContain('\n', error.Message[..error.Message.IndexOf(" (Parameter", StringComparison.Ordinal)]);
        }
        Refused(() => _ = new ConstantSchedule(0), "learningRate");
        Refused(() => _ = new ConstantSchedule(double.PositiveInfinity), "learningRate");
        Refused(() => _ = new StepDecaySchedule(double.NaN, 10), "initialRate");
        Refused(() => _ = new StepDecaySchedule(0.1, 0), "stepSize");
        Refused(() => _ = new StepDecaySchedule(0.1, 10, gamma: 0), "gamma");
        Refused(() => _ = new StepDecaySchedule(0.1, 10, gamma: 1.5), "gamma");
        Refused(() => _ = new CosineSchedule(-1), "peakRate");
        Refused(() => _ = new CosineSchedule(0.1, warmupSteps: -1), "warmupSteps");
        Refused(() => _ = new CosineSchedule(0.1, minRate: 0.2), "minRate");
        Refused(() => _ = new CosineSchedule(0.1, warmupStartFactor: 0), "warmupStartFactor");
        Refused(() => _ = new OneCycleSchedule(0), "maxRate");
        Refused(() => _ = new OneCycleSchedule(0.1, pctStart: 1.1), "pctStart");
        Refused(() => _ = new OneCycleSchedule(0.1, divFactor: 0.5), "divFactor");
        Refused(() => _ = new OneCycleSchedule(0.1, finalDivFactor: double.NaN), "finalDivFactor");
        Refused(() => _ = new OneCycleSchedule(0.1, baseMomentum: 1), "baseMomentum");
        Refused(() => _ = new OneCycleSchedule(0.1, baseMomentum: 0.9, maxMomentum: 0.8), "maxMomentum");
        Refused(() => new ConstantSchedule(1).LearningRate(-1, 10), "step");
        Refused(() => new ConstantSchedule(1).LearningRate(0, 0), "totalSteps");
        Refused(() => new OneCycleSchedule(1).Momentum(0, 0), "totalSteps");
    }
}
