using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;

namespace ModelGen.Benchmarks.Bench;

/// <summary>
/// The kernels of the MNIST sample's ResNet-20 at batch 128, one 3×3 Same convolution per stage:
/// 28×28×16 → 16 filters (patches 128·784 × 144), 14×14×32 → 32 (128·196 × 288) and 7×7×64 → 64
/// (128·49 × 576), each a product of about 231 million multiply-adds: the forward product, the weight
/// gradient (the tall kernel), the patches' gradient, im2col/col2im, and BatchNormalization's training
/// passes on the stage's output. Patches are ReLU-like (half zeros), gradients dense, as BatchNorm's are.
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class ResNetKernelBenchmarks
{
    private const int Batch = 128;

    /// <summary>The stage: image side and channels (= filters).</summary>
    [Params("28x28x16", "14x14x32", "7x7x64")]
    public string Stage { get; set; } = "28x28x16";

    private ConvGeometry _g;
    private int _rows, _patch, _filters;
    private float[] _x = [], _patches = [], _w = [], _b = [], _y = [], _dz = [], _dw = [], _dpatches = [], _dx = [];
    private float[] _xhat = [], _bnY = [], _gamma = [], _beta = [], _invStd = [], _mean = [], _variance = [], _dgamma = [], _dbeta = [];
    private double[] _sums = [];

    [GlobalSetup]
    public void Setup()
    {
        int side = int.Parse(Stage.Split('x')[0]), channels = int.Parse(Stage.Split('x')[2]);
        _g = ConvGeometry.Create(side, side, channels, 3, 3, 1, 1, Padding.Same);
        _rows = Batch * _g.OutputPixels;
        _patch = _g.PatchSize;
        _filters = channels;
        var random = new Xoshiro256StarStar(1);
        float[] Values(int count, bool relu) => Enumerable.Range(0, count)
            .Select(_ => random.NextSingle() * 2f - 1f).Select(v => relu ? Math.Max(v, 0f) : v).ToArray();
        _x = Values(Batch * _g.InputSize, relu: true);
        _patches = new float[_rows * _patch];
        Convolution.Im2Col(_x, _patches, Batch, _g);
        _w = Values(_patch * _filters, relu: false);
        _b = new float[_filters];
        _y = new float[_rows * _filters];
        _dz = Values(_rows * _filters, relu: false);
        _dw = new float[_patch * _filters];
        _dpatches = new float[_rows * _patch];
        _dx = new float[Batch * _g.InputSize];
        _xhat = new float[_rows * _filters];
        _bnY = new float[_rows * _filters];
        _gamma = Values(_filters, relu: false);
        _beta = Values(_filters, relu: false);
        _invStd = new float[_filters];
        _mean = new float[_filters];
        _variance = new float[_filters];
        _dgamma = new float[_filters];
        _dbeta = new float[_filters];
        _sums = new double[2 * _filters];
    }

    [Benchmark, BenchmarkCategory("Forward y = patches·W")]
    public void Forward() => Kernels.Affine(_patches, _w, _b, _y, _rows, _patch, _filters);

    [Benchmark, BenchmarkCategory("Weight gradient patchesᵀ·dz")]
    public void WeightGradient() => Kernels.WeightGradient(_patches, _dz, _dw, _rows, _patch, _filters);

    [Benchmark, BenchmarkCategory("Patch gradient dz·Wᵀ")]
    public void InputGradient() => Kernels.InputGradient(_dz, _w, _dpatches, _rows, _patch, _filters);

    [Benchmark, BenchmarkCategory("Im2Col")]
    public void Im2Col() => Convolution.Im2Col(_x, _patches, Batch, _g);

    [Benchmark, BenchmarkCategory("Col2Im")]
    public void Col2Im() => Convolution.Col2Im(_dpatches, _dx, Batch, _g);

    [Benchmark, BenchmarkCategory("BatchNorm training forward")]
    public void BatchNormForward() => Normalization.BatchNormTraining(_y, _xhat, _bnY, _gamma, _beta, _invStd, _mean, _variance,
        0.1f, 1e-3f, _sums, _rows, _filters);

    [Benchmark, BenchmarkCategory("BatchNorm training backward")]
    public void BatchNormBackward() => Normalization.BatchNormTrainingBackward(_xhat, _dz, _gamma, _invStd, _dgamma, _dbeta, _y,
        _sums, _rows, _filters);
}
