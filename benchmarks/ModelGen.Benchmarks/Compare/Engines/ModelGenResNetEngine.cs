using ModelGen.Samples.Mnist.Data;
using ModelGen.Samples.Mnist;

namespace ModelGen.Benchmarks.Compare.Engines;

/// <summary>
/// The generated ResNet-20 (<see cref="MnistResNet"/>), trained the way <see cref="ModelGenConvEngine"/>
/// trains the convnet: batches gathered into one buffer, one TrainStep each (BatchNormalization in training
/// mode); inference with PredictBatch (running statistics).
/// </summary>
public sealed class ModelGenResNetEngine
{
    private readonly MnistSet _train, _test;
    private readonly MnistResNet.Workspace _workspace;
    private readonly Adam _adam = new(); // lr 1e-3, β 0.9 / 0.999, ε 1e-7
    private readonly float[] _batchImages;
    private readonly int[] _batchLabels;
    private readonly float[] _bulkOutputs;

    public ModelGenResNetEngine(MnistSet train, MnistSet test, int batchSize, ulong seed)
    {
        _train = train;
        _test = test;
        BatchSize = batchSize;
        Model = new MnistResNet(seed);
        _workspace = new MnistResNet.Workspace(batchSize);
        _batchImages = new float[batchSize * MnistResNet.InputSize];
        _batchLabels = new int[batchSize];
        _bulkOutputs = new float[test.Count * MnistResNet.OutputSize];
    }

    public MnistResNet Model { get; }

    public int BatchSize { get; }

    /// <summary>The probabilities of the last <see cref="PredictBulk"/>, [test count, 10].</summary>
    public ReadOnlySpan<float> BulkOutputs => _bulkOutputs;

    /// <summary>One epoch in the given sample order (its length is the epoch's size), one TrainStep per batch.</summary>
    public void TrainEpoch(int[] order)
    {
        const int size = MnistResNet.InputSize;
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

    /// <summary>The whole test set in one PredictBatch call (which runs blocks of InferenceBatchSize inside).</summary>
    public void PredictBulk() => Model.PredictBatch(_test.Pixels, _bulkOutputs);

    /// <summary>The probabilities of the first <paramref name="count"/> test images, [count, 10], running statistics (untimed checks).</summary>
    public float[] TestProbabilities(int count)
    {
        var outputs = new float[count * MnistResNet.OutputSize];
        Model.PredictBatch(_test.Pixels.AsSpan(0, count * MnistResNet.InputSize), outputs);
        return outputs;
    }

    /// <summary>
    /// The probabilities of a fresh model from <paramref name="seed"/> on the first <paramref name="count"/>
    /// training images in training mode (the batch's statistics), as the first TrainStep sees them (untimed check).
    /// </summary>
    public static float[] TrainingModeProbabilities(MnistSet train, int count, ulong seed)
    {
        var model = new MnistResNet(seed);
        var workspace = new MnistResNet.Workspace(count);
        model.Forward(workspace, train.Pixels.AsSpan(0, count * MnistResNet.InputSize), training: true);
        return workspace.Outputs.ToArray();
    }
}
