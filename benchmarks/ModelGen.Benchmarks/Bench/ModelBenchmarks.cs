using BenchmarkDotNet.Attributes;
using ModelGen.Samples.Mnist.Data;

namespace ModelGen.Benchmarks.Bench;

/// <summary>The generated MNIST model's inference and training entry points, as a user calls them.</summary>
[MemoryDiagnoser]
public class ModelInferenceBenchmarks
{
    private MnistMlp _model = null!;
    private MnistSet _test = null!;
    private float[] _outputs = [];
    private int _next;

    [GlobalSetup]
    public void Setup()
    {
        _model = new MnistMlp(seed: 1);
        _test = SharedData.Data.Test;
        _outputs = new float[_test.Count * MnistMlp.OutputSize];
    }

    /// <summary>One image: forward pass and argmax, cycling through the test set so the input is not always the same.</summary>
    [Benchmark(Description = "PredictClass, one image")]
    public int PredictClass()
    {
        int index = _next;
        _next = index + 1 == _test.Count ? 0 : index + 1;
        return _model.PredictClass(_test.Image(index));
    }

    /// <summary>The whole test set (10 000 images) in one call.</summary>
    [Benchmark(Description = "PredictBatch, 10 000 images")]
    public void PredictBatch() => _model.PredictBatch(_test.Pixels, _outputs);
}

/// <summary>One TrainStep (forward, loss, backward, Adam) on consecutive batches of the training set.</summary>
[MemoryDiagnoser]
public class ModelTrainingBenchmarks
{
    private MnistMlp _model = null!;
    private MnistMlp.Workspace _workspace = null!;
    private Adam _adam = null!;
    private MnistSet _train = null!;
    private int _next;

    [Params(32, 128)]
    public int BatchSize { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _model = new MnistMlp(seed: 1);
        _workspace = new MnistMlp.Workspace(BatchSize);
        _adam = new Adam();
        _train = SharedData.Data.Train;
    }

    [Benchmark(Description = "TrainStep (Adam)")]
    public float TrainStep()
    {
        int start = _next;
        _next = start + 2 * BatchSize > _train.Count ? 0 : start + BatchSize;
        return _model.TrainStep(_workspace, _train.Pixels.AsSpan(start * 784, BatchSize * 784), _train.Labels.AsSpan(start, BatchSize), _adam);
    }
}
