using ModelGen.Benchmarks.Compare.Engines;
using ModelGen.Benchmarks.Compare.Reports;
using ModelGen.Benchmarks.Data;

namespace ModelGen.Benchmarks.Compare;

/// <summary>
/// The convnet row: a training epoch of Keras' MNIST convnet (batch 128, Adam, dropout in training
/// mode in each engine's own way), ModelGen against TorchSharp from the same initial weights. Run after
/// the MLP rows, with its own engines, so that those rows are measured exactly as before.
/// </summary>
public static class ConvNetComparison
{
    private const ulong Seed = 1;

    public static MetricResult Run(ComparePlan plan, BenchmarkData data, TextWriter output, List<string> checks)
    {
        int images = Math.Min(plan.ConvTrainImages, data.Train.Count);
        int testImages = Math.Min(plan.ConvTestImages, data.Test.Count);
        var modelGen = new ModelGenConvEngine(data.Train, data.Test, ComparePlan.ConvBatchSize, Seed);
        using var torch = new TorchSharpConvEngine(data.Train, data.Test, ComparePlan.ConvBatchSize, modelGen.Model.Parameters);

        // Before any training: the twin must compute the same function, or the weight layouts were mapped wrongly.
        const int checkedImages = 256;
        double difference = MaxAbsDifference(modelGen.TestProbabilities(checkedImages), torch.TestProbabilities(checkedImages));
        checks.Add($"Convnet, same initial weights: on {checkedImages} test images the largest probability difference between TorchSharp and ModelGen is {difference:0.0e+0}.");
        if (difference > 1e-4)
            throw new BenchmarkException($"the convnet engines disagree ({difference:0.0e+0} max abs probability difference): the weight layouts are not mapped right.");

        // Warm-up, untimed: 10 batches each (JIT tiers, libtorch's allocator and conv algorithm choice).
        int[] warmUp = Enumerable.Range(0, 10 * ComparePlan.ConvBatchSize).ToArray();
        modelGen.TrainEpoch(warmUp);
        torch.TrainEpoch(warmUp.Select(i => (long)i).ToArray());

        output.WriteLine($"measuring: convnet training epoch ({images:N0} images) × {plan.ConvEpochRepetitions} ...");
        int[] order = new int[images];
        long[] torchOrder = new long[images];
        IReadOnlyList<Measurement> epoch = Alternation.Run(plan.ConvEpochRepetitions,
        [
            new(MetricResult.ModelGenKey, () => Sample.Of(1, () => modelGen.TrainEpoch(order))),
            new("torchsharp", () => Sample.Of(1, () => torch.TrainEpoch(torchOrder))),
        ],
        beforeRound: round => CompareCommand.Shuffle(order, torchOrder, round));

        int total = plan.ConvEpochRepetitions;
        checks.Add($"Convnet test accuracy on {testImages:N0} test images after the {total} timed epochs of {images:N0} images (each engine trained its own copy, dropout off for testing): " +
            $"ModelGen {Accuracy.Of(modelGen.TestProbabilities(testImages), data.Test.Labels[..testImages]):P2}, " +
            $"TorchSharp {Accuracy.Of(torch.TestProbabilities(testImages), data.Test.Labels[..testImages]):P2}.");
        return MetricResult.Time("convnet_training_epoch", $"convnet training epoch ({images:N0} images, batch {ComparePlan.ConvBatchSize}, Adam)", "s", 1, epoch);
    }

    private static double MaxAbsDifference(float[] a, float[] b)
    {
        double worst = 0;
        for (int i = 0; i < a.Length; i++) worst = Math.Max(worst, Math.Abs(a[i] - b[i]));
        return worst;
    }
}
