using System.Runtime.InteropServices;
using ModelGen.Tests.Models;

namespace ModelGen.Tests.Core;

/// <summary>
/// PredictBatch and PredictClasses run whole forward passes on every core (BatchPredictor): each sample
/// must come out bit-identical to a one-core run and to Predict, whatever the count and the split.
/// </summary>
public sealed class BatchPredictorTests
{
    // Counts around the workspace's capacity (64): one short block, exact blocks, a short last block.
    public static TheoryData<int> Counts() => new() { 1, 63, 64, 65, 197, 1000 };

    [Theory]
    [MemberData(nameof(Counts))]
    public void Mlp_batches_on_every_core_equal_one_core_and_single_predictions(int count)
    {
        var model = new MnistMlp(seed: 3);
        float[] images = SyntheticDigits.Create(count, seed: 31).Images;
        float[] parallel = PredictOnEveryCore(model, images, count, MnistMlp.InferenceBatchSize);
        float[] serial = PredictOnOneCore(model, images, count);
        AssertBitIdentical(serial, parallel, count);

        var one = new float[10];
        for (int s = 0; s < count; s++)
        {
            model.Predict(images.AsSpan(s * 784, 784), one);
            Assert.True(one.AsSpan().SequenceEqual(parallel.AsSpan(s * 10, 10)), $"sample {s} of {count}: Predict differs from PredictBatch");
        }
    }

    [Theory]
    [InlineData(3)]
    [InlineData(130)]
    public void Convnet_batches_on_every_core_equal_one_core(int count)
    {
        // The convolutions inside each pass would use every core on their own; inside a pass that already
        // runs on one core they must run serially, and give the same numbers.
        var model = new MnistConvNet(seed: 4);
        float[] images = SyntheticDigits.Create(count, seed: 32).Images;
        float[] parallel = PredictOnEveryCore(model, images, count, MnistConvNet.InferenceBatchSize);
        float[] serial = PredictOnOneCore(model, images, count);
        AssertBitIdentical(serial, parallel, count);
    }

    [Fact]
    public void Classes_are_the_argmax_of_the_batch_outputs()
    {
        const int count = 300;
        var model = new MnistMlp(seed: 5);
        float[] images = SyntheticDigits.Create(count, seed: 33).Images;
        var outputs = new float[count * 10];
        var classes = new int[count];
        model.PredictBatch(images, outputs);
        model.PredictClasses(images, classes);
        for (int s = 0; s < count; s++) Assert.Equal(Batch.ArgMax(outputs.AsSpan(s * 10, 10)), classes[s]);
        Assert.Contains(classes, c => c != classes[0]); // the check is not vacuous: the classes differ
    }

    [Fact]
    public void Wrong_lengths_are_refused_before_any_work()
    {
        var model = new MnistMlp(seed: 6);
        Assert.Throws<ArgumentException>(() => model.PredictBatch(new float[784 * 2 + 1], new float[20]));
        Assert.Throws<ArgumentException>(() => model.PredictBatch(new float[784 * 2], new float[19]));
        Assert.Throws<ArgumentException>(() => model.PredictClasses(new float[784 * 3], new int[2]));
    }

    // Runs until this thread's call really was one hand-off of whole passes to the cores. Another test may
    // hold the cores when the call starts; the passes then run on the caller, and their layers split on
    // their own once the cores are free (several hand-offs): that run is not the one to compare.
    private static float[] PredictOnEveryCore(IModel model, float[] images, int count, int capacity)
    {
        var outputs = new float[count * 10];
        if (Kernels.Threads == 1 || count <= capacity)
        {
            model.PredictBatch(images, outputs);
            return outputs;
        }
        for (int attempt = 0; attempt < 200; attempt++)
        {
            long before = Kernels.ParallelCallsOnThisThread;
            model.PredictBatch(images, outputs);
            if (Kernels.ParallelCallsOnThisThread - before == 1) return outputs;
            Thread.Sleep(5);
        }
        Assert.Fail($"PredictBatch of {count} samples never ran as one hand-off of whole passes to the cores");
        return outputs;
    }

    private static float[] PredictOnOneCore(IModel model, float[] images, int count)
    {
        var outputs = new float[count * 10];
        Kernels.AllowParallel = false;
        try { model.PredictBatch(images, outputs); }
        finally { Kernels.AllowParallel = true; }
        return outputs;
    }

    private static void AssertBitIdentical(float[] expected, float[] actual, int count) =>
        Assert.True(MemoryMarshal.AsBytes(expected.AsSpan()).SequenceEqual(MemoryMarshal.AsBytes(actual.AsSpan())),
            $"PredictBatch of {count} samples differs between one core and {Kernels.Threads}");
}
