using TorchSharp;
using TorchSharp.Modules;
using Xunit.Abstractions;
using static TorchSharp.torch;
using static TorchSharp.torch.optim.lr_scheduler;

namespace ModelGen.ReferenceTests.Optimization;

/// <summary>
/// Issue 19: each schedule's rate (and one-cycle's momentum) for every step of a run of at least 100 steps equals the
/// rate TorchSharp's <c>torch.optim.lr_scheduler</c> has in force for that <c>optimizer.step()</c>, stepped as its
/// documentation says (after every batch, or once per epoch for StepLR), within 1e-6 relative.
/// </summary>
public sealed class ScheduleTwinTests(ITestOutputHelper output)
{
    /// <summary>|ours − torch| / |torch| for each step's rate and momentum.</summary>
    public const double Tolerance = 1e-6;

    /// <summary>Steps in each run.</summary>
    public const int Steps = 120;

    /// <summary>The runs epoch-wise schedulers see: 12 epochs of 10 batches.</summary>
    public const int Epochs = 12, BatchesPerEpoch = 10;

    private const double Peak = 0.1;

    /// <summary>The cases by name.</summary>
    public static TheoryData<string> Cases() => new(["StepLR per batch", "StepLR per epoch", "CosineAnnealingLR", "LinearLR then CosineAnnealingLR",
        "OneCycleLR with SGD", "OneCycleLR with Adam", "OneCycleLR by epochs, no momentum", "constant"]);

    [Theory]
    [MemberData(nameof(Cases))]
    public void Rates_of_every_step_match_torch_lr_scheduler(string name)
    {
        TorchRuntime.Require();
        using var scope = NewDisposeScope();
        // The optimizer only carries the rate (and momentum); its parameter never steps.
        Parameter parameter = new(zeros(3));
        bool adam = name.Contains("Adam", StringComparison.Ordinal);
        using optim.Optimizer optimizer = adam
            ? optim.Adam([parameter], lr: Peak, beta1: 0.9, beta2: 0.999)
            : optim.SGD([parameter], Peak, momentum: 0.9);
        bool perEpoch = name == "StepLR per epoch";
        (LearningRateSchedule ours, LRScheduler? theirs) = name switch
        {
            "StepLR per batch" => ((LearningRateSchedule)new StepDecaySchedule(Peak, stepSize: 25, gamma: 0.5), StepLR(optimizer, 25, gamma: 0.5)),
            // PyTorch's documented use: scheduler.step() once per epoch, step_size in epochs.
            "StepLR per epoch" => (new StepDecaySchedule(Peak, stepSize: 3 * BatchesPerEpoch, gamma: 0.1), StepLR(optimizer, 3, gamma: 0.1)),
            "CosineAnnealingLR" => (new CosineSchedule(Peak, minRate: 1e-3), CosineAnnealingLR(optimizer, Steps, eta_min: 1e-3)),
            "LinearLR then CosineAnnealingLR" => (new CosineSchedule(Peak, warmupSteps: 20, minRate: 1e-4, warmupStartFactor: 0.01),
                SequentialLR(optimizer, [LinearLR(optimizer, start_factor: 0.01, end_factor: 1.0, total_iters: 20), CosineAnnealingLR(optimizer, Steps - 20, eta_min: 1e-4)], [20])),
            "OneCycleLR with SGD" or "OneCycleLR with Adam" => (new OneCycleSchedule(Peak), OneCycleLR(optimizer, Peak, total_steps: Steps)),
            "OneCycleLR by epochs, no momentum" => (new OneCycleSchedule(Peak, pctStart: 0.25, divFactor: 10, finalDivFactor: 100, cycleMomentum: false),
                OneCycleLR(optimizer, Peak, epochs: Epochs, steps_per_epoch: BatchesPerEpoch, pct_start: 0.25, cycle_momentum: false, div_factor: 10, final_div_factor: 100)),
            "constant" => (new ConstantSchedule(Peak), null),
            _ => throw new ArgumentOutOfRangeException(nameof(name), name, "Unknown case."),
        };

        double worstRate = 0, worstMomentum = 0;
        var failures = new List<string>();
        for (int step = 0; step < Steps; step++)
        {
            optim.ILearningRateController group = optimizer.ParamGroups.Single();
            double rate = group.LearningRate;
            double momentum = adam ? ((optim.IBetas)group).Betas.Item1 : ((optim.IMomentum)group).Momentum;
            double rateError = Compare.Relative(ours.LearningRate(step, Steps), rate);
            worstRate = Math.Max(worstRate, rateError);
            if (!(rateError <= Tolerance)) failures.Add($"step {step}: rate {ours.LearningRate(step, Steps):R} vs {rate:R}");
            if (ours.CyclesMomentum)
            {
                double momentumError = Compare.Relative(ours.Momentum(step, Steps), momentum);
                worstMomentum = Math.Max(worstMomentum, momentumError);
                if (!(momentumError <= Tolerance)) failures.Add($"step {step}: momentum {ours.Momentum(step, Steps):R} vs {momentum:R}");
            }
            if (step < 3 || step == Steps - 1) output.WriteLine($"step {step,3}: rate {rate:G9}" + (ours.CyclesMomentum ? $", momentum {momentum:G9}" : ""));
            // PyTorch's loop: the batch's optimizer.step() (nothing to do here), then the scheduler's.
            if (!perEpoch || (step + 1) % BatchesPerEpoch == 0) theirs?.step();
        }
        output.WriteLine($"{name}: {Steps} steps, largest relative difference: rate {worstRate:E2}, momentum {worstMomentum:E2}");
        Assert.True(failures.Count == 0, $"{name}: {failures.Count} steps differ from TorchSharp beyond {Tolerance:E0}: {string.Join("; ", failures.Take(5))}");
    }
}
