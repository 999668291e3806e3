namespace ModelGen.Tests.Core;

/// <summary>
/// The fast im2col and col2im against <see cref="ConvolutionReference"/>: bit for bit (they move and add
/// the same values in the same order), and the whole im2col product path (im2col, then the dense kernels
/// with W viewed as [PatchSize, filters], then col2im) against the direct 7-loop convolution, forward and
/// backward. Also: the same bits on one core and on all, no allocations, and checked arguments.
/// </summary>
[Collection(AllocationTestGroup.Name)]
public sealed class ConvolutionKernelTests
{
    private const int Filters = 7;

    // Large enough to pass the kernels' parallel threshold: 16 samples of 28×28×8 with a 3×3 window.
    private static readonly ConvGeometry Large = ConvGeometry.Create(28, 28, 8, 3, 3, 1, 1, Padding.Same);
    private const int LargeBatch = 16;

    [Theory]
    [MemberData(nameof(ConvCases.All), MemberType = typeof(ConvCases))]
    public void Im2Col_matches_the_reference(int kh, int kw, int stride, Padding padding, int channels, int batch)
    {
        ConvGeometry g = ConvCases.Geometry(kh, kw, stride, padding, channels);
        float[] x = TestData.Uniform(batch * g.InputSize, 1);
        int count = batch * g.OutputPixels * g.PatchSize;
        float[] expected = ConvCases.Garbage(count), actual = ConvCases.Garbage(count);
        ConvolutionReference.Im2Col(x, expected, batch, g);
        Convolution.Im2Col(x, actual, batch, g);
        KernelAssert.BitIdentical<float>(expected, actual, "patches");
    }

    [Theory]
    [MemberData(nameof(ConvCases.All), MemberType = typeof(ConvCases))]
    public void Col2Im_matches_the_reference(int kh, int kw, int stride, Padding padding, int channels, int batch)
    {
        ConvGeometry g = ConvCases.Geometry(kh, kw, stride, padding, channels);
        float[] dpatches = TestData.Uniform(batch * g.OutputPixels * g.PatchSize, 2);
        float[] expected = ConvCases.Garbage(batch * g.InputSize), actual = ConvCases.Garbage(batch * g.InputSize);
        ConvolutionReference.Col2Im(dpatches, expected, batch, g);
        Convolution.Col2Im(dpatches, actual, batch, g);
        KernelAssert.BitIdentical<float>(expected, actual, "dx");
    }

    [Theory]
    [MemberData(nameof(ConvCases.All), MemberType = typeof(ConvCases))]
    public void Im2col_product_equals_the_direct_convolution(int kh, int kw, int stride, Padding padding, int channels, int batch)
    {
        ConvGeometry g = ConvCases.Geometry(kh, kw, stride, padding, channels);
        float[] x = TestData.Uniform(batch * g.InputSize, 3), w = TestData.Uniform(g.PatchSize * Filters, 4);
        float[] b = TestData.Uniform(Filters, 5);
        int rows = batch * g.OutputPixels;
        var expected = new float[rows * Filters];
        ConvolutionReference.Forward(x, w, b, expected, batch, g, Filters);

        var patches = new float[rows * g.PatchSize];
        var actual = new float[rows * Filters];
        Convolution.Im2Col(x, patches, batch, g);
        Kernels.Affine(patches, w, b, actual, rows, g.PatchSize, Filters);
        KernelAssert.Close(expected, actual, 1e-5, "y");
    }

    [Theory]
    [MemberData(nameof(ConvCases.All), MemberType = typeof(ConvCases))]
    public void Im2col_gradients_equal_the_direct_convolution(int kh, int kw, int stride, Padding padding, int channels, int batch)
    {
        ConvGeometry g = ConvCases.Geometry(kh, kw, stride, padding, channels);
        float[] x = TestData.Uniform(batch * g.InputSize, 6), w = TestData.Uniform(g.PatchSize * Filters, 7);
        int rows = batch * g.OutputPixels;
        float[] dy = TestData.Uniform(rows * Filters, 8);
        float[] dwExpected = new float[g.PatchSize * Filters], dbExpected = new float[Filters], dxExpected = new float[batch * g.InputSize];
        ConvolutionReference.Backward(x, w, dy, dwExpected, dbExpected, dxExpected, batch, g, Filters);

        var patches = new float[rows * g.PatchSize];
        var dpatches = new float[rows * g.PatchSize];
        float[] dw = new float[g.PatchSize * Filters], db = new float[Filters], dx = ConvCases.Garbage(batch * g.InputSize);
        Convolution.Im2Col(x, patches, batch, g);
        Kernels.WeightGradient(patches, dy, dw, rows, g.PatchSize, Filters);
        Kernels.BiasGradient(dy, db, rows, Filters);
        Kernels.InputGradient(dy, w, dpatches, rows, g.PatchSize, Filters);
        Convolution.Col2Im(dpatches, dx, batch, g);
        // dW and db sum up to 5 · 221 products, in float on the fast path.
        KernelAssert.Close(dwExpected, dw, 1e-5 * Math.Sqrt(rows), "dw");
        KernelAssert.Close(dbExpected, db, 1e-5 * Math.Sqrt(rows), "db");
        KernelAssert.Close(dxExpected, dx, 1e-5, "dx");
    }

    [Fact]
    public void Multi_core_results_are_bit_identical_to_one_core()
    {
        float[] x = TestData.Uniform(LargeBatch * Large.InputSize, 9);
        float[] dpatches = TestData.Uniform(LargeBatch * Large.OutputPixels * Large.PatchSize, 10);
        (float[] Patches, float[] Dx) Run()
        {
            var patches = new float[dpatches.Length];
            var dx = new float[x.Length];
            Convolution.Im2Col(x, patches, LargeBatch, Large);
            Convolution.Col2Im(dpatches, dx, LargeBatch, Large);
            return (patches, dx);
        }
        var parallel = Run();
        (float[] Patches, float[] Dx) serial;
        Kernels.AllowParallel = false;
        try { serial = Run(); }
        finally { Kernels.AllowParallel = true; }
        KernelAssert.BitIdentical<float>(serial.Patches, parallel.Patches, "patches");
        KernelAssert.BitIdentical<float>(serial.Dx, parallel.Dx, "dx");
        // And both equal the reference, so the parallel split cannot have skipped a sample.
        var reference = new float[x.Length];
        ConvolutionReference.Col2Im(dpatches, reference, LargeBatch, Large);
        KernelAssert.BitIdentical<float>(reference, parallel.Dx, "dx");
    }

    [Theory]
    [InlineData("Im2Col")]
    [InlineData("Col2Im")]
    public void Kernel_allocates_nothing(string kernel)
    {
        float[] x = TestData.Uniform(LargeBatch * Large.InputSize, 11);
        var patches = new float[LargeBatch * Large.OutputPixels * Large.PatchSize];
        Action action = kernel == "Im2Col"
            ? () => Convolution.Im2Col(x, patches, LargeBatch, Large)
            : () => Convolution.Col2Im(patches, x, LargeBatch, Large);
        Assert.Equal(0, AllocationMeter.Measure(action));
    }

    [Fact]
    public void The_allocation_meter_sees_allocations()
    {
        // Guards the test above: if the counters stopped working, every kernel would "pass".
        Assert.Equal(20 * (256 * 4 + 24), AllocationMeter.Measure(() => GC.KeepAlive(new float[256])));
    }

    [Fact]
    public void Short_spans_and_bad_geometries_are_refused()
    {
        ConvGeometry g = ConvCases.Geometry(3, 3, 1, Padding.Same, 2);
        int image = g.InputSize, patches = g.OutputPixels * g.PatchSize;
        var e = Assert.Throws<ArgumentException>(() => Convolution.Im2Col(new float[2 * image - 1], new float[2 * patches], 2, g));
        Assert.Equal("x", e.ParamName);
        e = Assert.Throws<ArgumentException>(() => Convolution.Im2Col(new float[2 * image], new float[2 * patches - 1], 2, g));
        Assert.Equal("patches", e.ParamName);
        e = Assert.Throws<ArgumentException>(() => Convolution.Col2Im(new float[2 * patches - 1], new float[2 * image], 2, g));
        Assert.Equal("dpatches", e.ParamName);
        e = Assert.Throws<ArgumentException>(() => Convolution.Col2Im(new float[2 * patches], new float[2 * image - 1], 2, g));
        Assert.Equal("dx", e.ParamName);
        Assert.Throws<ArgumentOutOfRangeException>(() => Convolution.Im2Col(new float[image], new float[patches], -1, g));
        ConvGeometry padded = g with { PadTop = 3 };
        Assert.Throws<ArgumentException>(() => Convolution.Im2Col(new float[image], new float[patches], 1, padded));
        ConvGeometry empty = g with { Channels = 0 };
        Assert.Throws<ArgumentException>(() => Convolution.Col2Im(new float[patches], new float[image], 1, empty));
        // Nothing to do is not an error.
        Convolution.Im2Col([], [], 0, g);
    }
}
