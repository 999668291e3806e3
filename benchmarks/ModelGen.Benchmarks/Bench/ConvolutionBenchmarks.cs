using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;

namespace ModelGen.Benchmarks.Bench;

/// <summary>
/// The convolution, pooling and dropout kernels against their naive references (the baselines), on the
/// Keras MNIST convnet's shapes at batch 128: 28×28×1 → conv 3×3×32 → 26×26×32 → pool 2 → 13×13×32 →
/// conv 3×3×64 → 11×11×64 → pool 2 → 5×5×64 → flatten 1600 → dropout. The data are random (ReLU-like,
/// with zeros, where they stand for activations): these kernels move data, they do not skip zeros.
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class ConvolutionBenchmarks
{
    private const int Batch = 128;
    private static readonly ConvGeometry Conv1 = ConvGeometry.Create(28, 28, 1, 3, 3, 1, 1, Padding.Valid);
    private static readonly ConvGeometry Pool1 = ConvGeometry.Create(26, 26, 32, 2, 2, 2, 2, Padding.Valid);
    private static readonly ConvGeometry Conv2 = ConvGeometry.Create(13, 13, 32, 3, 3, 1, 1, Padding.Valid);
    private static readonly ConvGeometry Pool2 = ConvGeometry.Create(11, 11, 64, 2, 2, 2, 2, Padding.Valid);
    private const int Flat = 5 * 5 * 64;

    private float[] _images = [], _patches1 = [], _conv1 = [], _pooled1 = [], _patches2 = [], _conv2 = [], _pooled2 = [];
    private float[] _dpooled1 = [], _mask = [], _flat = [], _dconv1 = [], _dpooled1Input = [], _dropped = [];
    private int[] _positions1 = [], _positions2 = [];
    private Xoshiro256StarStar _random = new(3);

    [GlobalSetup]
    public void Setup()
    {
        var random = new Xoshiro256StarStar(1);
        float[] Values(int count, bool relu) => Enumerable.Range(0, count)
            .Select(_ => random.NextSingle() * 2f - 1f).Select(v => relu ? Math.Max(v, 0f) : v).ToArray();
        _images = Values(Batch * Conv1.InputSize, relu: true);
        _patches1 = new float[Batch * Conv1.OutputPixels * Conv1.PatchSize];
        _conv1 = Values(Batch * Pool1.InputSize, relu: true);
        _pooled1 = Values(Batch * Conv2.InputSize, relu: true);
        _positions1 = new int[_pooled1.Length];
        Pooling.MaxPool(_conv1, _pooled1, _positions1, Batch, Pool1);
        _dpooled1 = Values(_pooled1.Length, relu: false);
        _patches2 = Values(Batch * Conv2.OutputPixels * Conv2.PatchSize, relu: false);
        _conv2 = Values(Batch * Pool2.InputSize, relu: true);
        _pooled2 = new float[Batch * Flat];
        _positions2 = new int[_pooled2.Length];
        _mask = new float[Batch * Flat];
        _flat = Values(Batch * Flat, relu: true);
        // Outputs of the backward and dropout kernels, apart from every kernel's input.
        _dconv1 = new float[_conv1.Length];
        _dpooled1Input = new float[_pooled1.Length];
        _dropped = new float[_flat.Length];
    }

    [Benchmark(Baseline = true, Description = "reference"), BenchmarkCategory("Im2Col 28×28×1, 3×3")]
    public void Im2ColConv1Reference() => ConvolutionReference.Im2Col(_images, _patches1, Batch, Conv1);

    [Benchmark(Description = "fast"), BenchmarkCategory("Im2Col 28×28×1, 3×3")]
    public void Im2ColConv1() => Convolution.Im2Col(_images, _patches1, Batch, Conv1);

    [Benchmark(Baseline = true, Description = "reference"), BenchmarkCategory("Im2Col 13×13×32, 3×3")]
    public void Im2ColConv2Reference() => ConvolutionReference.Im2Col(_pooled1, _patches2, Batch, Conv2);

    [Benchmark(Description = "fast"), BenchmarkCategory("Im2Col 13×13×32, 3×3")]
    public void Im2ColConv2() => Convolution.Im2Col(_pooled1, _patches2, Batch, Conv2);

    [Benchmark(Baseline = true, Description = "reference"), BenchmarkCategory("Col2Im 13×13×32, 3×3")]
    public void Col2ImConv2Reference() => ConvolutionReference.Col2Im(_patches2, _dpooled1Input, Batch, Conv2);

    [Benchmark(Description = "fast"), BenchmarkCategory("Col2Im 13×13×32, 3×3")]
    public void Col2ImConv2() => Convolution.Col2Im(_patches2, _dpooled1Input, Batch, Conv2);

    [Benchmark(Baseline = true, Description = "reference"), BenchmarkCategory("MaxPool 26×26×32, 2×2")]
    public void MaxPool1Reference() => PoolingReference.MaxPool(_conv1, _pooled1, _positions1, Batch, Pool1);

    [Benchmark(Description = "fast"), BenchmarkCategory("MaxPool 26×26×32, 2×2")]
    public void MaxPool1() => Pooling.MaxPool(_conv1, _pooled1, _positions1, Batch, Pool1);

    [Benchmark(Baseline = true, Description = "reference"), BenchmarkCategory("MaxPool 11×11×64, 2×2")]
    public void MaxPool2Reference() => PoolingReference.MaxPool(_conv2, _pooled2, _positions2, Batch, Pool2);

    [Benchmark(Description = "fast"), BenchmarkCategory("MaxPool 11×11×64, 2×2")]
    public void MaxPool2() => Pooling.MaxPool(_conv2, _pooled2, _positions2, Batch, Pool2);

    [Benchmark(Baseline = true, Description = "reference"), BenchmarkCategory("MaxPoolBackward 13×13×32 → 26×26×32")]
    public void MaxPoolBackward1Reference() => PoolingReference.MaxPoolBackward(_dpooled1, _positions1, _dconv1, Batch, Pool1);

    [Benchmark(Description = "fast"), BenchmarkCategory("MaxPoolBackward 13×13×32 → 26×26×32")]
    public void MaxPoolBackward1() => Pooling.MaxPoolBackward(_dpooled1, _positions1, _dconv1, Batch, Pool1);

    [Benchmark(Baseline = true, Description = "reference"), BenchmarkCategory("Dropout mask 128×1600")]
    public void MaskReference() => DropoutReference.Mask(_mask, 0.5f, ref _random);

    [Benchmark(Description = "fast"), BenchmarkCategory("Dropout mask 128×1600")]
    public void Mask() => Dropout.Mask(_mask, 0.5f, ref _random);

    [Benchmark(Baseline = true, Description = "reference"), BenchmarkCategory("Dropout apply 128×1600")]
    public void ApplyReference() => DropoutReference.Apply(_flat, _mask, _dropped);

    [Benchmark(Description = "fast"), BenchmarkCategory("Dropout apply 128×1600")]
    public void Apply() => Dropout.Apply(_flat, _mask, _dropped);
}
