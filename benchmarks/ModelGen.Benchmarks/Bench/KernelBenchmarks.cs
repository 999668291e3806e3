using BenchmarkDotNet.Attributes;

namespace ModelGen.Benchmarks.Bench;

/// <summary>
/// The runtime kernels on the MNIST network's shapes, with the MNIST network's data: images for the
/// first layer (the kernels skip zero inputs, so sparsity matters) and real ReLU outputs for the second.
/// </summary>
[MemoryDiagnoser]
public class KernelBenchmarks
{
    private float[] _images = [], _hidden = [], _w1 = [], _b1 = [], _w2 = [], _b2 = [];
    private float[] _z1 = [], _z2 = [], _dz1 = [], _dz2 = [], _dw1 = [], _dw2 = [], _dx2 = [];
    private float[] _parameters = [], _gradients = [];
    private readonly Adam _adam = new();

    /// <summary>Samples per batch: the training batch size 32, and 128.</summary>
    [Params(32, 128)]
    public int Rows { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var model = new MnistMlp(seed: 1);
        _w1 = model.HiddenWeights.ToArray();
        _w2 = model.OutputWeights.ToArray();
        var random = new Xoshiro256StarStar(2);
        _b1 = Enumerable.Range(0, 128).Select(_ => random.NextSingle() * 0.1f - 0.05f).ToArray();
        _b2 = Enumerable.Range(0, 10).Select(_ => random.NextSingle() * 0.1f - 0.05f).ToArray();
        _images = SharedData.Data.Train.Pixels.AsSpan(0, Rows * 784).ToArray();
        // The second layer's input: the first layer's ReLU output on these images.
        _hidden = new float[Rows * 128];
        Kernels.Affine(_images, _w1, _b1, _hidden, Rows, 784, 128);
        Activations.ReLU(_hidden);
        _z1 = new float[Rows * 128];
        _z2 = new float[Rows * 10];
        _dz1 = Enumerable.Range(0, Rows * 128).Select(_ => random.NextSingle() - 0.5f).ToArray();
        _dz2 = Enumerable.Range(0, Rows * 10).Select(_ => random.NextSingle() - 0.5f).ToArray();
        _dw1 = new float[784 * 128];
        _dw2 = new float[128 * 10];
        _dx2 = new float[Rows * 128];
        _parameters = model.Parameters.ToArray();
        _gradients = Enumerable.Range(0, _parameters.Length).Select(_ => (random.NextSingle() - 0.5f) * 1e-3f).ToArray();
    }

    [Benchmark(Description = "Affine x[rows,784]·W[784,128]+b")]
    public void AffineHidden() => Kernels.Affine(_images, _w1, _b1, _z1, Rows, 784, 128);

    [Benchmark(Description = "Affine x[rows,128]·W[128,10]+b")]
    public void AffineOutput() => Kernels.Affine(_hidden, _w2, _b2, _z2, Rows, 128, 10);

    [Benchmark(Description = "WeightGradient xᵀ[784,rows]·dz[rows,128]")]
    public void WeightGradientHidden() => Kernels.WeightGradient(_images, _dz1, _dw1, Rows, 784, 128);

    [Benchmark(Description = "WeightGradient xᵀ[128,rows]·dz[rows,10]")]
    public void WeightGradientOutput() => Kernels.WeightGradient(_hidden, _dz2, _dw2, Rows, 128, 10);

    [Benchmark(Description = "InputGradient dz[rows,10]·Wᵀ[10,128]")]
    public void InputGradientOutput() => Kernels.InputGradient(_dz2, _w2, _dx2, Rows, 128, 10);

    /// <summary>The optimizer step every TrainStep ends with; it does not depend on Rows.</summary>
    [Benchmark(Description = "Adam step, 101 770 parameters")]
    public void AdamStep() => _adam.Step(_parameters, _gradients);
}
