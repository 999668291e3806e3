namespace ModelGen.Tests.Core;

/// <summary>
/// Global and windowed average pooling against <see cref="PoolingReference"/>, bit for bit (the same sums in the same
/// order, then the same division), with the padding counted or not; the divisors on a constant image; one core equals
/// all; no allocations; checked arguments.
/// </summary>
[Collection(AllocationTestGroup.Name)]
public sealed class AveragePoolingKernelTests
{
    private static readonly ConvGeometry Large = ConvGeometry.Create(26, 26, 32, 3, 3, 2, 2, Padding.Same);
    private const int LargeBatch = 16;

    public static TheoryData<int, int, int, Padding, int, int, bool> Windows()
    {
        var cases = new TheoryData<int, int, int, Padding, int, int, bool>();
        foreach (var row in ConvCases.All())
            foreach (bool includePad in new[] { false, true })
                cases.Add((int)row[0], (int)row[1], (int)row[2], (Padding)row[3], (int)row[4], (int)row[5], includePad);
        // More channels than the backward pass's stack block (256), and a 3×3 stride-2 'same' window (odd pad at the bottom/right).
        foreach (bool includePad in new[] { false, true })
        {
            cases.Add(3, 3, 2, Padding.Same, 300, 2, includePad);
            cases.Add(3, 3, 1, Padding.Same, 64, 3, includePad);
            cases.Add(2, 2, 2, Padding.Valid, 17, 3, includePad);
        }
        return cases;
    }

    [Theory]
    [MemberData(nameof(Windows))]
    public void AveragePool_matches_the_reference(int kh, int kw, int stride, Padding padding, int channels, int batch, bool includePad)
    {
        ConvGeometry g = ConvCases.Geometry(kh, kw, stride, padding, channels);
        float[] x = TestData.Uniform(batch * g.InputSize, 1);
        int outputs = batch * g.OutputPixels * channels;
        float[] expected = ConvCases.Garbage(outputs), actual = ConvCases.Garbage(outputs);
        PoolingReference.AveragePool(x, expected, batch, g, includePad);
        Pooling.AveragePool(x, actual, batch, g, includePad);
        KernelAssert.BitIdentical<float>(expected, actual, "y");
    }

    [Theory]
    [MemberData(nameof(Windows))]
    public void AveragePoolBackward_matches_the_reference(int kh, int kw, int stride, Padding padding, int channels, int batch, bool includePad)
    {
        ConvGeometry g = ConvCases.Geometry(kh, kw, stride, padding, channels);
        float[] dy = TestData.Uniform(batch * g.OutputPixels * channels, 2);
        float[] expected = ConvCases.Garbage(batch * g.InputSize), actual = ConvCases.Garbage(batch * g.InputSize);
        PoolingReference.AveragePoolBackward(dy, expected, batch, g, includePad);
        Pooling.AveragePoolBackward(dy, actual, batch, g, includePad);
        KernelAssert.BitIdentical<float>(expected, actual, "dx");
    }

    [Fact]
    public void The_divisor_counts_padding_only_when_asked()
    {
        // A 5×4 image of ones, 3×3 windows, stride 2, 'same': 1 row of padding at the top and bottom, none left, 1 column right.
        ConvGeometry g = ConvGeometry.Create(5, 4, 2, 3, 3, 2, 2, Padding.Same);
        var x = new float[g.InputSize];
        x.AsSpan().Fill(1f);
        var y = new float[g.OutputPixels * 2];
        Pooling.AveragePool(x, y, 1, g, countIncludePad: false);
        Assert.All(y, v => Assert.Equal(1f, v));
        Pooling.AveragePool(x, y, 1, g, countIncludePad: true);
        for (int oy = 0; oy < g.OutputHeight; oy++)
            for (int ox = 0; ox < g.OutputWidth; ox++)
            {
                int top = oy * 2 - g.PadTop, left = ox * 2 - g.PadLeft;
                int inside = (Math.Min(top + 3, 5) - Math.Max(top, 0)) * (Math.Min(left + 3, 4) - Math.Max(left, 0));
                Assert.Equal(inside / 9f, y[(oy * g.OutputWidth + ox) * 2]);
                Assert.Equal(inside / 9f, y[(oy * g.OutputWidth + ox) * 2 + 1]);
            }
        Assert.Contains(y, v => v < 1f); // some window did reach into the padding
        // The backward pass of a constant gradient: each input gets 1/divisor from every window covering it.
        var dy = new float[y.Length];
        dy.AsSpan().Fill(9f);
        var dx = new float[g.InputSize];
        Pooling.AveragePoolBackward(dy, dx, 1, g, countIncludePad: true);
        Assert.Equal(1f, dx[0]); // pixel (0, 0) is only in window (0, 0)
    }

    public static TheoryData<int, int, int> GlobalShapes()
    {
        var cases = new TheoryData<int, int, int>();
        foreach (int batch in new[] { 1, 3 })
            foreach (int pixels in new[] { 1, 7, 49 })
                foreach (int channels in new[] { 1, 3, 17, 64 }) cases.Add(batch, pixels, channels);
        return cases;
    }

    [Theory]
    [MemberData(nameof(GlobalShapes))]
    public void GlobalAveragePool_matches_the_reference(int batch, int pixels, int channels)
    {
        float[] x = TestData.Uniform(batch * pixels * channels, 3);
        float[] expected = ConvCases.Garbage(batch * channels), actual = ConvCases.Garbage(batch * channels);
        PoolingReference.GlobalAveragePool(x, expected, batch, pixels, channels);
        Pooling.GlobalAveragePool(x, actual, batch, pixels, channels);
        KernelAssert.BitIdentical<float>(expected, actual, "y");
        // And it is the mean.
        for (int s = 0; s < batch; s++)
            for (int c = 0; c < channels; c++)
            {
                double sum = 0;
                for (int p = 0; p < pixels; p++) sum += x[(s * pixels + p) * channels + c];
                Assert.True(Math.Abs(actual[s * channels + c] - sum / pixels) < 1e-6, $"mean [{s}, {c}]");
            }
    }

    [Theory]
    [MemberData(nameof(GlobalShapes))]
    public void GlobalAveragePoolBackward_matches_the_reference(int batch, int pixels, int channels)
    {
        float[] dy = TestData.Uniform(batch * channels, 4);
        float[] expected = ConvCases.Garbage(batch * pixels * channels), actual = ConvCases.Garbage(batch * pixels * channels);
        PoolingReference.GlobalAveragePoolBackward(dy, expected, batch, pixels, channels);
        Pooling.GlobalAveragePoolBackward(dy, actual, batch, pixels, channels);
        KernelAssert.BitIdentical<float>(expected, actual, "dx");
    }

    [Fact]
    public void Multi_core_results_are_bit_identical_to_one_core()
    {
        float[] x = TestData.Uniform(LargeBatch * Large.InputSize, 5);
        float[] dy = TestData.Uniform(LargeBatch * Large.OutputPixels * Large.Channels, 6);
        float[][] Run()
        {
            var results = new List<float[]>();
            foreach (bool includePad in new[] { false, true })
            {
                float[] y = ConvCases.Garbage(dy.Length), dx = ConvCases.Garbage(x.Length);
                Pooling.AveragePool(x, y, LargeBatch, Large, includePad);
                Pooling.AveragePoolBackward(dy, dx, LargeBatch, Large, includePad);
                results.Add(y);
                results.Add(dx);
            }
            return results.ToArray();
        }
        long before = Kernels.ParallelCallsOnThisThread;
        float[][] parallel = Run();
        bool split = Kernels.ParallelCallsOnThisThread > before;
        float[][] serial;
        Kernels.AllowParallel = false;
        try { serial = Run(); }
        finally { Kernels.AllowParallel = true; }
        for (int i = 0; i < serial.Length; i++) KernelAssert.BitIdentical<float>(serial[i], parallel[i], $"result {i}");
        var reference = new float[x.Length];
        PoolingReference.AveragePoolBackward(dy, reference, LargeBatch, Large, true);
        KernelAssert.BitIdentical<float>(reference, parallel[3], "dx");
        Assert.True(split || Kernels.Threads == 1, "the large calls were not split across the cores");
    }

    [Theory]
    [InlineData("AveragePool")]
    [InlineData("AveragePoolBackward")]
    [InlineData("GlobalAveragePool")]
    [InlineData("GlobalAveragePoolBackward")]
    public void Kernel_allocates_nothing(string kernel)
    {
        float[] x = TestData.Uniform(LargeBatch * Large.InputSize, 7);
        var y = new float[LargeBatch * Large.OutputPixels * Large.Channels];
        var means = new float[LargeBatch * Large.Channels];
        int pixels = Large.InputHeight * Large.InputWidth;
        Action action = kernel switch
        {
            "AveragePool" => () => Pooling.AveragePool(x, y, LargeBatch, Large, false),
            "AveragePoolBackward" => () => Pooling.AveragePoolBackward(y, x, LargeBatch, Large, true),
            "GlobalAveragePool" => () => Pooling.GlobalAveragePool(x, means, LargeBatch, pixels, Large.Channels),
            _ => () => Pooling.GlobalAveragePoolBackward(means, x, LargeBatch, pixels, Large.Channels),
        };
        Assert.Equal(0, AllocationMeter.Measure(action));
    }

    [Fact]
    public void Short_spans_are_refused()
    {
        ConvGeometry g = ConvGeometry.Create(4, 4, 3, 2, 2, 2, 2, Padding.Valid);
        int image = g.InputSize, outputs = g.OutputPixels * g.Channels;
        var e = Assert.Throws<ArgumentException>(() => Pooling.AveragePool(new float[2 * image - 1], new float[2 * outputs], 2, g, false));
        Assert.Equal("x", e.ParamName);
        e = Assert.Throws<ArgumentException>(() => Pooling.AveragePool(new float[2 * image], new float[2 * outputs - 1], 2, g, true));
        Assert.Equal("y", e.ParamName);
        e = Assert.Throws<ArgumentException>(() => Pooling.AveragePoolBackward(new float[2 * outputs - 1], new float[2 * image], 2, g, false));
        Assert.Equal("dy", e.ParamName);
        e = Assert.Throws<ArgumentException>(() => Pooling.AveragePoolBackward(new float[2 * outputs], new float[2 * image - 1], 2, g, false));
        Assert.Equal("dx", e.ParamName);
        Assert.Throws<ArgumentException>(() => Pooling.AveragePool(new float[image], new float[outputs], 1, g with { PadTop = 2 }, false));
        e = Assert.Throws<ArgumentException>(() => Pooling.GlobalAveragePool(new float[2 * 5 * 3 - 1], new float[6], 2, 5, 3));
        Assert.Equal("x", e.ParamName);
        e = Assert.Throws<ArgumentException>(() => Pooling.GlobalAveragePool(new float[30], new float[5], 2, 5, 3));
        Assert.Equal("y", e.ParamName);
        e = Assert.Throws<ArgumentException>(() => Pooling.GlobalAveragePoolBackward(new float[5], new float[30], 2, 5, 3));
        Assert.Equal("dy", e.ParamName);
        e = Assert.Throws<ArgumentException>(() => Pooling.GlobalAveragePoolBackward(new float[6], new float[29], 2, 5, 3));
        Assert.Equal("dx", e.ParamName);
        Assert.Throws<ArgumentOutOfRangeException>(() => Pooling.GlobalAveragePool(new float[30], new float[6], 2, 0, 3));
        Assert.Throws<ArgumentOutOfRangeException>(() => Pooling.AveragePool(new float[image], new float[outputs], -1, g, false));
    }
}
