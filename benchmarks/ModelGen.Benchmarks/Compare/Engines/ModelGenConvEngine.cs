using ModelGen.Samples.Mnist.Data;

namespace ModelGen.Benchmarks.Compare.Engines;

/// <summary>The generated MNIST convnet, trained the way <see cref="ModelGenEngine"/> trains the MLP.</summary>
public sealed class ModelGenConvEngine
{
    private readonly MnistSet _train, _test;
    private readonly MnistConvNet.Workspace _workspace;
    private readonly Adam _adam = new(); // lr 1e-3, β 0.9 / 0.999, ε 1e-7
    private readonly float[] _batchImages;
    private readonly int[] _batchLabels;

    public ModelGenConvEngine(MnistSet train, MnistSet test, int batchSize, ulong seed)
    {
        _train = train;
        _test = test;
        BatchSize = batchSize;
        Model = new MnistConvNet(seed);
        _workspace = new MnistConvNet.Workspace(batchSize);
        _batchImages = new float[batchSize * MnistConvNet.InputSize];
        _batchLabels = new int[batchSize];
    }

    public MnistConvNet Model { get; }

    public int BatchSize { get; }

    /// <summary>
    /// One epoch in the given sample order (indices into the training set; the order's length is the
    /// epoch's size): each batch is gathered into one buffer, then one TrainStep, with dropout.
    /// </summary>
    public void TrainEpoch(int[] order)
    {
        const int size = MnistConvNet.InputSize;
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

    /// <summary>The probabilities of the first <paramref name="count"/> test images, [count, 10] (untimed checks).</summary>
    public float[] TestProbabilities(int count)
    {
        var outputs = new float[count * MnistConvNet.OutputSize];
        Model.PredictBatch(_test.Pixels.AsSpan(0, count * MnistConvNet.InputSize), outputs);
        return outputs;
    }
}
