using ModelGen.ReferenceTests.Graph;
using ModelGen.ReferenceTests.Models;
using ModelGen.TestModels;
using ModelGen.Training;
using TorchSharp;
using TorchSharp.Modules;
using Xunit.Abstractions;
using static TorchSharp.torch;
using static TorchSharp.torch.optim.lr_scheduler;

namespace ModelGen.ReferenceTests.Optimization;

/// <summary>
/// Issue 19: 100 training steps with AdamW, SGD with weight decay and Nesterov momentum, and Adam under one-cycle (with
/// decay masks and schedules where the recipe has them) leave the generated model and its TorchSharp twin with the
/// same parameters within 1e-4. Ours trains through the runtime's trainer (<see cref="ClassifierTrainer{TWorkspace}"/>
/// with <see cref="FitOptions.Schedule"/>, no shuffle: 10 epochs of the same 10 batches); the twin runs PyTorch's loop,
/// <c>optimizer.step()</c> then <c>scheduler.step()</c> per batch, with a second parameter group of weight decay 0 for
/// every 1-D tensor (biases, BatchNorm's γ and β) where ours has <see cref="DecayMask.WeightsOnly"/>.
/// </summary>
public sealed class RecipeTwinTests(ITestOutputHelper output) : IDisposable
{
    /// <summary>max|ours − torch| over every parameter after the last step.</summary>
    public const double Tolerance = 1e-4;

    /// <summary>Epochs of <see cref="PoolBatches"/> batches: 100 steps.</summary>
    public const int Epochs = 10, PoolBatches = 10, Steps = Epochs * PoolBatches;

    private readonly GraphFiles _files = new();

    /// <summary>The MNIST MLP and a ResNet with BatchNormalization, each with every recipe.</summary>
    public static TheoryData<string, string> Cases()
    {
        var cases = new TheoryData<string, string>();
        foreach (string model in new[] { "MnistMlp", "TinyResNet" })
            foreach (string recipe in new[] { "AdamW", "AdamW, weights only, cosine with warm-up", "SGD, weight decay on weights only, Nesterov", "Adam, one-cycle", "SGD, weight decay, Nesterov, one-cycle",
                "SGD momentum, clipped", "Adam, label smoothing 0.1", "SGD, Nesterov, one-cycle, clipped, label smoothing 0.1" })
                cases.Add(model, recipe);
        return cases;
    }

    /// <summary>|ours − torch| of each epoch's mean loss, for the recipes with clipping or label smoothing.</summary>
    public const double LossTolerance = 1e-5;

    /// <summary>A max norm below the gradients' norm at every step of both models, so clipping bites throughout.</summary>
    public const float ClipNorm = 0.05f;

    // Ours: the optimizer (given the model, for its mask) and the schedule; theirs: the optimizer over the twin's
    // parameters (all, or weights apart from 1-D tensors) and its scheduler. ClipNorm: clip_grad_norm_'s max_norm
    // (Optimizer.ClipGradientNorm), if any; LabelSmoothing: cross_entropy's label_smoothing (FitOptions.LabelSmoothing).
    private sealed record Recipe(
        Func<IModel, Optimizer> Ours, LearningRateSchedule? Schedule,
        Func<IReadOnlyList<Parameter>, optim.Optimizer> Theirs, Func<optim.Optimizer, LRScheduler?> TheirSchedule)
    {
        public float? ClipNorm { get; init; }

        public float LabelSmoothing { get; init; }
    }

    private static Recipe For(string name) => name switch
    {
        "AdamW" => new(
            _ => new AdamW(1e-3f, weightDecay: 0.1f), null,
            p => optim.AdamW(p, lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-7, weight_decay: 0.1), _ => null),
        "AdamW, weights only, cosine with warm-up" => new(
            model => new AdamW(2e-3f, weightDecay: 0.1f) { DecayMask = DecayMask.WeightsOnly(model) },
            new CosineSchedule(2e-3, warmupSteps: 10, minRate: 1e-5, warmupStartFactor: 0.1),
            p => optim.AdamW([new TorchSharp.Modules.AdamW.ParamGroup(Weights(p), new TorchSharp.Modules.AdamW.Options { weight_decay = 0.1 }), new TorchSharp.Modules.AdamW.ParamGroup(Others(p), new TorchSharp.Modules.AdamW.Options { weight_decay = 0 })],
                lr: 2e-3, beta1: 0.9, beta2: 0.999, eps: 1e-7),
            o => SequentialLR(o, [LinearLR(o, start_factor: 0.1, end_factor: 1.0, total_iters: 10), CosineAnnealingLR(o, Steps - 10, eta_min: 1e-5)], [10])),
        "SGD, weight decay on weights only, Nesterov" => new(
            model => new Sgd(0.05f, momentum: 0.9f, weightDecay: 5e-3f, nesterov: true) { DecayMask = DecayMask.WeightsOnly(model) }, null,
            p => optim.SGD([new SGD.ParamGroup(Weights(p), new SGD.Options { weight_decay = 5e-3 }), new SGD.ParamGroup(Others(p), new SGD.Options { weight_decay = 0 })],
                0.05, momentum: 0.9, nesterov: true), _ => null),
        // β1 cycles between 0.95 and 0.85, as OneCycleLR's default cycle_momentum does.
        "Adam, one-cycle" => new(
            _ => new Adam(1e-3f), new OneCycleSchedule(0.01),
            p => optim.Adam(p, lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-7), o => OneCycleLR(o, 0.01, total_steps: Steps)),
        // One parameter group: TorchSharp 0.107's OneCycleLR tests the parameter group's index where PyTorch tests the
        // phase's, so every group after the first stays in the climbing phase (a twin of a mask needs PyTorch itself).
        "SGD, weight decay, Nesterov, one-cycle" => new(
            _ => new Sgd(0.05f, momentum: 0.95f, weightDecay: 5e-4f, nesterov: true), new OneCycleSchedule(0.05),
            p => optim.SGD(p, 0.05, momentum: 0.95, weight_decay: 5e-4, nesterov: true), o => OneCycleLR(o, 0.05, total_steps: Steps)),
        "SGD momentum, clipped" => new(
            _ => new Sgd(0.05f, momentum: 0.9f) { ClipGradientNorm = ClipNorm }, null,
            p => optim.SGD(p, 0.05, momentum: 0.9), _ => null) { ClipNorm = ClipNorm },
        "Adam, label smoothing 0.1" => new(
            _ => new Adam(1e-3f), null,
            p => optim.Adam(p, lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-7), _ => null) { LabelSmoothing = 0.1f },
        "SGD, Nesterov, one-cycle, clipped, label smoothing 0.1" => new(
            _ => new Sgd(0.05f, momentum: 0.95f, nesterov: true) { ClipGradientNorm = ClipNorm }, new OneCycleSchedule(0.05),
            p => optim.SGD(p, 0.05, momentum: 0.95, nesterov: true), o => OneCycleLR(o, 0.05, total_steps: Steps)) { ClipNorm = ClipNorm, LabelSmoothing = 0.1f },
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "Unknown recipe."),
    };

    private static Parameter[] Weights(IEnumerable<Parameter> parameters) => parameters.Where(p => p.dim() > 1).ToArray();

    private static Parameter[] Others(IEnumerable<Parameter> parameters) => parameters.Where(p => p.dim() <= 1).ToArray();

    [Theory]
    [MemberData(nameof(Cases))]
    public void Parameters_after_100_steps_match_TorchSharp(string modelName, string recipeName)
    {
        TorchRuntime.Require();
        Recipe recipe = For(recipeName);
        using var scope = NewDisposeScope();
        (IModel model, ReferenceBatch[] pool, Twin twin) = modelName == "MnistMlp" ? Mlp() : ResNet();
        float[] initial = (float[])model.Parameters.Clone();

        // Ours, through the trainer: the pool's batches in order, once per epoch.
        var data = new LabeledData(pool.SelectMany(b => b.Inputs).ToArray(), pool.SelectMany(b => b.Labels).ToArray(), model.InputSize);
        var options = new FitOptions { BatchSize = pool[0].Size, Shuffle = false, Schedule = recipe.Schedule, LabelSmoothing = recipe.LabelSmoothing };
        Optimizer ours = recipe.Ours(model);
        TrainingHistory history = Fit(model, data, ours, options);
        Assert.False(history.StoppedEarly, history.StopReason);

        // Theirs: PyTorch's loop.
        using optim.Optimizer optimizer = recipe.Theirs(twin.Parameters);
        LRScheduler? scheduler = recipe.TheirSchedule(optimizer);
        var losses = new List<float>();
        int clipped = 0;
        for (int step = 0; step < Steps; step++)
        {
            using var stepScope = NewDisposeScope();
            optimizer.zero_grad();
            Tensor loss = twin.Loss(pool[step % PoolBatches], recipe.LabelSmoothing);
            loss.backward();
            if (recipe.ClipNorm is { } maxNorm && nn.utils.clip_grad_norm_(twin.Parameters, maxNorm) > maxNorm) clipped++;
            optimizer.step();
            scheduler?.step();
            losses.Add(loss.item<float>());
        }

        (double error, string worst) = twin.Compare(model);
        double moved = Compare.MaxAbsDifference(model.Parameters, initial);
        double firstEpoch = losses.Take(PoolBatches).Average(), lastEpoch = losses.TakeLast(PoolBatches).Average();
        output.WriteLine($"{modelName}; {recipeName}; {Steps} steps of batch {pool[0].Size}");
        output.WriteLine($"  parameters: max abs error {error:E2} ({worst}); largest change from the start {moved:G4}");
        output.WriteLine($"  torch's mean loss first epoch {firstEpoch:G6}, last epoch {lastEpoch:G6}; ours first {history.Epochs[0].Loss:G6}, last {history.Epochs[^1].Loss:G6}");
        if (recipe.ClipNorm is not null || recipe.LabelSmoothing != 0f)
        {
            double lossError = Enumerable.Range(0, Epochs).Max(e => Math.Abs(history.Epochs[e].Loss - losses.Skip(e * PoolBatches).Take(PoolBatches).Average(l => (double)l)));
            output.WriteLine($"  epoch mean losses: max abs error {lossError:E2}; steps clipped by torch {clipped} of {Steps}, our last norm {ours.LastGradientNorm:G4}");
            Assert.True(lossError <= LossTolerance, $"{modelName} with {recipeName}: the epochs' mean losses differ from TorchSharp's by up to {lossError:E2} (tolerance {LossTolerance:E0}).");
            if (recipe.ClipNorm is not null) Assert.True(clipped == Steps, $"{modelName} with {recipeName}: clipping bit in only {clipped} of {Steps} steps.");
        }
        Assert.True(error <= Tolerance, $"{modelName} with {recipeName}: after {Steps} steps the parameters differ from TorchSharp's by up to {error:E2} ({worst}; tolerance {Tolerance:E0}).");
        Assert.True(moved >= 100 * Tolerance, $"{modelName} with {recipeName}: the parameters moved by only {moved:E2}, so agreeing to {Tolerance:E0} says little.");
        Assert.True(lastEpoch < firstEpoch, $"{modelName} with {recipeName}: the mean loss did not decrease ({firstEpoch:G6} → {lastEpoch:G6}).");
    }

    private static TrainingHistory Fit(IModel model, LabeledData data, Optimizer optimizer, FitOptions options) => model switch
    {
        Models.MnistMlp mlp => mlp.Fit(data, optimizer, Epochs, options),
        TinyResNet resnet => resnet.Fit(data, optimizer, Epochs, options),
        _ => throw new ArgumentOutOfRangeException(nameof(model), model.GetType().Name, "No trainer for this model."),
    };

    // The MNIST MLP with random biases, batches of 32, and its TorchTwin (Linear modules).
    private static (IModel, ReferenceBatch[], Twin) Mlp()
    {
        (IGeneratedModel generated, ModelLayout layout) = TestModels.Create("MnistMlp", seed: 19);
        var random = new Xoshiro256StarStar(1900);
        ReferenceBatch[] pool = Enumerable.Range(0, PoolBatches).Select(_ => ReferenceBatch.Random(layout, ReferenceBatch.MaxSize, ref random)).ToArray();
        var torchTwin = new TorchTwin(layout);
        torchTwin.LoadParameters(generated.Parameters);
        return (((IConvModel)generated).Model, pool, new MlpTwin(torchTwin));
    }

    // The tiny ResNet (bias-free convolutions, BatchNormalization) with perturbed biases, γ, β and statistics, batches of 8.
    private (IModel, ReferenceBatch[], Twin) ResNet()
    {
        IGraphSubject subject = GraphModels.Create("TinyResNet", seed: 47);
        _files.Perturb(subject, seed: 4700);
        ReferenceBatch[] pool = Enumerable.Range(0, PoolBatches).Select(i => GraphModels.Batch(subject, GraphModels.Capacity, seed: 4701 + (ulong)i)).ToArray();
        GraphTwin twin = GraphTwin.For(subject.Name);
        twin.LoadStateDict(_files.Saved(subject));
        return (subject.Model, pool, new ResNetTwin(twin, subject, _files));
    }

    // PyTorch's cross_entropy(logits, labels, label_smoothing=ε).
    private static Tensor Smoothed(Tensor logits, ReferenceBatch batch, float labelSmoothing) =>
        nn.functional.cross_entropy(logits, tensor(batch.Labels.Select(l => (long)l).ToArray(), [batch.Size]), label_smoothing: labelSmoothing);

    /// <summary>The TorchSharp side, whatever the model.</summary>
    private abstract class Twin
    {
        public abstract IReadOnlyList<Parameter> Parameters { get; }

        public abstract Tensor Loss(ReferenceBatch batch, float labelSmoothing);

        /// <summary>The largest |ours − torch| and where it is.</summary>
        public abstract (double Error, string Where) Compare(IModel ours);
    }

    private sealed class MlpTwin(TorchTwin twin) : Twin
    {
        public override IReadOnlyList<Parameter> Parameters { get; } = twin.Parameters.ToArray();

        public override Tensor Loss(ReferenceBatch batch, float labelSmoothing) => labelSmoothing == 0f
            ? twin.Loss(twin.Forward(twin.Inputs(batch)), batch)
            : Smoothed(twin.Forward(twin.Inputs(batch)), batch, labelSmoothing);

        public override (double, string) Compare(IModel ours) => (ReferenceTests.Compare.MaxAbsDifference(ours.Parameters, twin.ReadParameters()), "flat parameters");
    }

    // Tensor by tensor through the generated Save, in PyTorch's names and layouts; running statistics too.
    private sealed class ResNetTwin(GraphTwin twin, IGraphSubject subject, GraphFiles files) : Twin
    {
        public override IReadOnlyList<Parameter> Parameters { get; } = twin.parameters().ToArray();

        public override Tensor Loss(ReferenceBatch batch, float labelSmoothing) => labelSmoothing == 0f
            ? GraphTwin.Loss(twin.Logits(batch), batch)
            : Smoothed(twin.Logits(batch), batch, labelSmoothing);

        public override (double, string) Compare(IModel ours)
        {
            Dictionary<string, NamedTensor> saved = files.Saved(subject);
            HashSet<string> parameters = twin.NamedParameters().Keys.ToHashSet();
            (double parameterError, string parameter, double statisticError, string statistic) = (0, "", 0, "");
            foreach ((string name, NamedTensor expected) in twin.StateDictTensors())
            {
                if (expected.Integers is { } count)
                {
                    Assert.Equal(count, saved[name].Integers);
                    continue;
                }
                double e = ReferenceTests.Compare.MaxAbsDifference(saved[name].Values, expected.Values);
                if (parameters.Contains(name)) { if (e >= parameterError) (parameterError, parameter) = (e, name); }
                else if (e >= statisticError) (statisticError, statistic) = (e, name);
            }
            return (Math.Max(parameterError, statisticError), $"parameters {parameterError:E2} at {parameter}, running statistics {statisticError:E2} at {statistic}");
        }
    }

    /// <inheritdoc />
    public void Dispose() => _files.Dispose();
}
