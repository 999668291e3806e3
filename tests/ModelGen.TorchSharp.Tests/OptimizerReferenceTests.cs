using TorchSharp;
using Xunit.Abstractions;

namespace ModelGen.ReferenceTests;

/// <summary>
/// Issue 4, check 3: 100 steps of SGD with momentum and of Adam, on the same batch sequence from the same
/// initial parameters, leave the generated model and its TorchSharp twin with the same parameters.
/// </summary>
public class OptimizerReferenceTests(ITestOutputHelper output)
{
    /// <summary>max|ours − torch| over every parameter after the last step.</summary>
    public const double Tolerance = 1e-4;

    /// <summary>Steps per run.</summary>
    public const int Steps = 100;

    /// <summary>Batches in the pool the steps cycle through (10 batches of 32: 10 epochs of 320 samples).</summary>
    public const int PoolBatches = 10;

    /// <summary>Every test model with each optimizer.</summary>
    public static TheoryData<string, string> Cases()
    {
        var cases = new TheoryData<string, string>();
        foreach (string name in TestModels.Names) foreach (string optimizer in new[] { "SgdMomentum", "Adam" }) cases.Add(name, optimizer);
        return cases;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Parameters_after_100_steps_match_TorchSharp(string modelName, string optimizerName)
    {
        TorchRuntime.Require();
        (Models.IGeneratedModel model, ModelLayout layout) = TestModels.Create(modelName, seed: 37);
        var random = new Xoshiro256StarStar(3000);
        ReferenceBatch[] pool = Enumerable.Range(0, PoolBatches).Select(_ => ReferenceBatch.Random(layout, ReferenceBatch.MaxSize, ref random)).ToArray();

        // PyTorch's SGD is v = μv + g; p -= lr·v, as ours. Adam: ours has Keras' ε = 1e-7, so torch gets the
        // same ε, and β2 = 0.999 explicitly (TorchSharp's torch.optim.Adam factory defaults β2 to 0.99).
        (Optimizer ours, Func<IEnumerable<TorchSharp.Modules.Parameter>, torch.optim.Optimizer> theirs) = optimizerName switch
        {
            "SgdMomentum" => ((Optimizer)new Sgd(learningRate: 0.05f, momentum: 0.9f),
                (Func<IEnumerable<TorchSharp.Modules.Parameter>, torch.optim.Optimizer>)(p => torch.optim.SGD(p, 0.05, momentum: 0.9))),
            "Adam" => (new Adam(learningRate: 1e-3f, beta1: 0.9f, beta2: 0.999f, epsilon: 1e-7f),
                p => torch.optim.Adam(p, lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-7)),
            _ => throw new ArgumentOutOfRangeException(nameof(optimizerName), optimizerName, "Unknown optimizer."),
        };

        float[] initial = (float[])model.Parameters.Clone();
        using var training = new LockstepTraining(model, layout, ours, theirs);
        for (int step = 0; step < Steps; step++) training.Step(pool[step % PoolBatches]);

        float[] theirParameters = training.Twin.ReadParameters();
        double error = Compare.MaxAbsDifference(model.Parameters, theirParameters);
        double moved = Compare.MaxAbsDifference(model.Parameters, initial);
        double lossError = training.Losses.Max(l => Compare.Relative(l.Ours, l.Torch));
        double firstEpoch = training.Losses.Take(PoolBatches).Average(l => l.Ours);
        double lastEpoch = training.Losses.TakeLast(PoolBatches).Average(l => l.Ours);
        output.WriteLine($"{layout}; {optimizerName}, {Steps} steps of batch {ReferenceBatch.MaxSize}");
        output.WriteLine($"  parameters: max abs error {error:E2} (max|p| {Compare.MaxAbs(theirParameters):G4}, largest change from the start {moved:G4})");
        output.WriteLine($"  mean loss first epoch {firstEpoch:G6}, last epoch {lastEpoch:G6}; largest per-step relative loss difference ours/torch {lossError:E2}");
        Assert.True(error <= Tolerance, $"{modelName} with {optimizerName}: after {Steps} steps the parameters differ from TorchSharp's by up to {error:E2} (tolerance {Tolerance:E0}).");
        // The agreement only means something if training went somewhere: parameters moved far more than
        // the tolerance, and the same batches have a lower loss in the last epoch than in the first.
        Assert.True(moved >= 100 * Tolerance, $"{modelName} with {optimizerName}: the parameters moved by only {moved:E2}, so agreeing to {Tolerance:E0} says little.");
        Assert.True(lastEpoch < firstEpoch, $"{modelName} with {optimizerName}: the mean loss did not decrease ({firstEpoch:G6} in the first epoch, {lastEpoch:G6} in the last).");
    }
}
