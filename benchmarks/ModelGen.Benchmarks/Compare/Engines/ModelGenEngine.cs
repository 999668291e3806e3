using ModelGen.Samples.Mnist.Data;

namespace ModelGen.Benchmarks.Compare.Engines;

/// <summary>The generated MNIST model, trained and run the way the MNIST sample does it.</summary>
public sealed class ModelGenEngine
{
    private readonly MnistSet _train, _test;
    private readonly MnistMlp.Workspace _workspace;
    private readonly Adam _adam = new(); // lr 1e-3, β 0.9 / 0.999, ε 1e-7
    private readonly float[] _batchImages;
    private readonly int[] _batchLabels;
    private readonly float[] _bulkOutputs;

    public ModelGenEngine(MnistSet train, MnistSet test, int batchSize, ulong seed)
    {
        _train = train;
        _test = test;
        BatchSize = batchSize;
        Model = new MnistMlp(seed);
        _workspace = new MnistMlp.Workspace(batchSize);
        _batchImages = new float[batchSize * MnistMlp.InputSize];
        _batchLabels = new int[batchSize];
        _bulkOutputs = new float[test.Count * MnistMlp.OutputSize];
    }

    public const string Name = "ModelGen";

    public MnistMlp Model { get; }

    public int BatchSize { get; }

    /// <summary>The probabilities of the last <see cref="PredictBulk"/>, [test count, 10].</summary>
    public ReadOnlySpan<float> BulkOutputs => _bulkOutputs;

    /// <summary>
    /// One epoch in the given sample order: each batch's images are gathered into one buffer (a
    /// shuffled epoch has to copy them somewhere, as TorchSharp's index_select does), then one TrainStep.
    /// </summary>
    public void TrainEpoch(int[] order)
    {
        const int size = MnistMlp.InputSize;
        for (int start = 0; start + BatchSize <= order.Length; start += BatchSize)
        {
            for (int s = 0; s < BatchSize; s++)
            {
                int index = order[start + s];
                _train.Pixels.AsSpan(index * size, size).CopyTo(_batchImages.AsSpan(s * size));
                _batchLabels[s] = _train.Labels[index];
            }
            Model.TrainStep(_workspace, _batchImages, _batchLabels, _adam);
        }
    }

    /// <summary><paramref name="count"/> TrainSteps on consecutive batches from <paramref name="firstBatch"/> (the data is already batched: no copies).</summary>
    public void TrainSteps(int firstBatch, int count)
    {
        const int size = MnistMlp.InputSize;
        int batches = _train.Count / BatchSize;
        for (int i = 0; i < count; i++)
        {
            int start = (firstBatch + i) % batches * BatchSize;
            Model.TrainStep(_workspace, _train.Pixels.AsSpan(start * size, BatchSize * size), _train.Labels.AsSpan(start, BatchSize), _adam);
        }
    }

    /// <summary>Forward pass and argmax for test image <paramref name="index"/>.</summary>
    public int PredictClass(int index) => Model.PredictClass(_test.Image(index));

    /// <summary>The whole test set in one call.</summary>
    public void PredictBulk() => Model.PredictBatch(_test.Pixels, _bulkOutputs);

    /// <summary>The share of test images classified correctly.</summary>
    public double TestAccuracy()
    {
        PredictBulk();
        return Accuracy.Of(_bulkOutputs, _test.Labels);
    }
}

/// <summary>Accuracy from [n, 10] scores.</summary>
public static class Accuracy
{
    public static double Of(ReadOnlySpan<float> scores, int[] labels)
    {
        int correct = 0;
        for (int i = 0; i < labels.Length; i++)
            if (Batch.ArgMax(scores.Slice(i * 10, 10)) == labels[i]) correct++;
        return (double)correct / labels.Length;
    }
}
