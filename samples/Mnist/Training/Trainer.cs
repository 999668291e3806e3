using ModelGen.Data;

namespace ModelGen.Samples.Mnist.Training;

/// <summary>The running mean loss and accuracy over the batches of an epoch seen so far.</summary>
public readonly record struct RunningMetrics(int Batches, int Samples, double Loss, double Accuracy);

/// <summary>
/// Trains a model epoch by epoch with mini-batches drawn from a fresh shuffle of the training set.
/// Everything random comes from xoshiro256** seeded by the options' seed, and the kernels give
/// bit-identical results at any thread count, so the same seed gives bit-identical parameters and metrics.
/// </summary>
public sealed class Trainer
{
    // Keeps the shuffle stream apart from the model's initialisation stream, which uses the seed itself.
    private const ulong ShuffleStream = 0x5348_5546_464C_4521; // "SHUFFLE!"

    private readonly MnistMlp _model;
    private readonly Optimizer _optimizer;
    private readonly MnistMlp.Workspace _workspace;
    private readonly float[] _batchPixels;
    private readonly int[] _batchLabels;
    private readonly int[] _order;
    private Xoshiro256StarStar _random;

    /// <summary>Prepares to train <paramref name="model"/> on a training set of <paramref name="trainCount"/> images.</summary>
    public Trainer(MnistMlp model, TrainingOptions options, int trainCount)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(trainCount, 1);
        _model = model;
        _optimizer = options.CreateOptimizer();
        int batch = Math.Min(options.BatchSize, trainCount);
        _workspace = new MnistMlp.Workspace(batch);
        _batchPixels = new float[batch * MnistMlp.InputSize];
        _batchLabels = new int[batch];
        _order = Enumerable.Range(0, trainCount).ToArray();
        _random = new Xoshiro256StarStar(options.Seed ^ ShuffleStream);
    }

    /// <summary>
    /// One pass over <paramref name="train"/> in a new random order. The last batch holds the
    /// remainder when the batch size does not divide the set. <paramref name="onBatch"/> sees the
    /// running metrics after each step. Returns the epoch's mean loss and accuracy.
    /// </summary>
    public RunningMetrics TrainEpoch(MnistSet train, Action<RunningMetrics>? onBatch, CancellationToken cancellationToken)
    {
        if (train.Count != _order.Length) throw new ArgumentException($"The trainer was made for {_order.Length} images, not {train.Count}.", nameof(train));
        _random.Shuffle(_order.AsSpan());
        const int size = MnistMlp.InputSize;
        double lossSum = 0;
        int correct = 0, seen = 0, batches = 0;
        RunningMetrics running = default;
        for (int start = 0; start < _order.Length; start += _workspace.Capacity)
        {
            cancellationToken.ThrowIfCancellationRequested();
            int n = Math.Min(_workspace.Capacity, _order.Length - start);
            for (int i = 0; i < n; i++)
            {
                int image = _order[start + i];
                Array.Copy(train.Pixels, image * size, _batchPixels, i * size, size);
                _batchLabels[i] = train.Labels[image];
            }
            ReadOnlySpan<float> pixels = _batchPixels.AsSpan(0, n * size);
            ReadOnlySpan<int> labels = _batchLabels.AsSpan(0, n);
            float loss = _model.TrainStep(_workspace, pixels, labels, _optimizer);
            // The workspace still holds this batch's forward pass, from before the update: the
            // running accuracy is the one Keras shows.
            correct += _model.CountCorrect(_workspace, labels);
            lossSum += (double)loss * n;
            seen += n;
            batches++;
            running = new RunningMetrics(batches, seen, lossSum / seen, (double)correct / seen);
            onBatch?.Invoke(running);
        }
        return running;
    }

    /// <summary>The number of batches in one epoch.</summary>
    public int BatchesPerEpoch => (_order.Length + _workspace.Capacity - 1) / _workspace.Capacity;
}
