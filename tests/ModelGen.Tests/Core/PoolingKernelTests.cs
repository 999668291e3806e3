namespace ModelGen.Tests.Core;

/// <summary>
/// The vectorised max pooling against <see cref="PoolingReference"/>, exactly: the same maxima, the same
/// positions (ties go to the first one in row-major window order; the test data are coarse so that ties
/// are common), the same input gradient. Also: one core equals all, no allocations, checked arguments.
/// </summary>
[Collection(AllocationTestGroup.Name)]
public sealed class PoolingKernelTests
{
    private static readonly ConvGeometry Large = ConvGeometry.Create(26, 26, 32, 3, 3, 2, 2, Padding.Same);
    private const int LargeBatch = 16;

    /// <summary>Values from {−1, −0.5, 0, 0.5, 1}: many windows hold their maximum more than once.</summary>
    private static float[] Coarse(int count, ulong seed)
    {
        float[] values = TestData.Uniform(count, seed);
        for (int i = 0; i < values.Length; i++) values[i] = MathF.Round(values[i] * 2f) / 2f;
        return values;
    }

    private static (float[] Y, int[] Positions) Expected(float[] x, int batch, in ConvGeometry g)
    {
        int outputs = batch * g.OutputPixels * g.Channels;
        var y = new float[outputs];
        var positions = new int[outputs];
        PoolingReference.MaxPool(x, y, positions, batch, g);
        return (y, positions);
    }

    private static (float[] Y, int[] Positions) Actual(float[] x, int batch, in ConvGeometry g)
    {
        int outputs = batch * g.OutputPixels * g.Channels;
        float[] y = ConvCases.Garbage(outputs);
        var positions = new int[outputs];
        positions.AsSpan().Fill(int.MinValue);
        Pooling.MaxPool(x, y, positions, batch, g);
        return (y, positions);
    }

    [Theory]
    [MemberData(nameof(ConvCases.All), MemberType = typeof(ConvCases))]
    public void MaxPool_matches_the_reference(int kh, int kw, int stride, Padding padding, int channels, int batch)
    {
        ConvGeometry g = ConvCases.Geometry(kh, kw, stride, padding, channels);
        float[] x = Coarse(batch * g.InputSize, 1);
        var expected = Expected(x, batch, g);
        var actual = Actual(x, batch, g);
        KernelAssert.BitIdentical<float>(expected.Y, actual.Y, "y");
        KernelAssert.BitIdentical<int>(expected.Positions, actual.Positions, "positions");
    }

    [Theory]
    [MemberData(nameof(ConvCases.All), MemberType = typeof(ConvCases))]
    public void MaxPoolBackward_matches_the_reference(int kh, int kw, int stride, Padding padding, int channels, int batch)
    {
        ConvGeometry g = ConvCases.Geometry(kh, kw, stride, padding, channels);
        float[] x = Coarse(batch * g.InputSize, 2);
        int[] positions = Expected(x, batch, g).Positions;
        float[] dy = TestData.Uniform(positions.Length, 3);
        var expected = new float[batch * g.InputSize];
        float[] actual = ConvCases.Garbage(batch * g.InputSize);
        PoolingReference.MaxPoolBackward(dy, positions, expected, batch, g);
        Pooling.MaxPoolBackward(dy, positions, actual, batch, g);
        KernelAssert.BitIdentical<float>(expected, actual, "dx");
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(11)]
    public void Ties_go_to_the_first_position_in_window_order(int channels)
    {
        // Every value equal: each window's maximum is its first pixel inside the image, never padding.
        ConvGeometry g = ConvGeometry.Create(5, 4, channels, 3, 3, 2, 2, Padding.Same);
        var x = new float[g.InputSize];
        x.AsSpan().Fill(0.25f);
        var (y, positions) = Actual(x, 1, g);
        for (int oy = 0; oy < g.OutputHeight; oy++)
            for (int ox = 0; ox < g.OutputWidth; ox++)
                for (int k = 0; k < channels; k++)
                {
                    int iy = Math.Max(0, oy * g.StrideHeight - g.PadTop), ix = Math.Max(0, ox * g.StrideWidth - g.PadLeft);
                    int o = (oy * g.OutputWidth + ox) * channels + k;
                    Assert.Equal((iy * g.InputWidth + ix) * channels + k, positions[o]);
                    Assert.Equal(0.25f, y[o]);
                }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(11)]
    public void Infinities_and_NaN_are_pooled_as_by_the_reference(int channels)
    {
        ConvGeometry g = ConvGeometry.Create(6, 5, channels, 2, 3, 1, 2, Padding.Same);
        float[] x = Coarse(3 * g.InputSize, 4);
        float[] special = [float.NaN, float.NegativeInfinity, float.PositiveInfinity, -0f];
        var random = new Xoshiro256StarStar(5);
        for (int i = 0; i < x.Length; i++)
            if (random.NextSingle() < 0.2f) x[i] = special[random.NextInt32(special.Length)];
        var expected = Expected(x, 3, g);
        var actual = Actual(x, 3, g);
        KernelAssert.BitIdentical<float>(expected.Y, actual.Y, "y");
        KernelAssert.BitIdentical<int>(expected.Positions, actual.Positions, "positions");
    }

    [Fact]
    public void Multi_core_results_are_bit_identical_to_one_core()
    {
        float[] x = Coarse(LargeBatch * Large.InputSize, 6);
        float[] dy = TestData.Uniform(LargeBatch * Large.OutputPixels * Large.Channels, 7);
        (float[] Y, int[] Positions, float[] Dx) Run()
        {
            var (y, positions) = Actual(x, LargeBatch, Large);
            float[] dx = ConvCases.Garbage(x.Length);
            Pooling.MaxPoolBackward(dy, positions, dx, LargeBatch, Large);
            return (y, positions, dx);
        }
        var parallel = Run();
        (float[] Y, int[] Positions, float[] Dx) serial;
        Kernels.AllowParallel = false;
        try { serial = Run(); }
        finally { Kernels.AllowParallel = true; }
        KernelAssert.BitIdentical<float>(serial.Y, parallel.Y, "y");
        KernelAssert.BitIdentical<int>(serial.Positions, parallel.Positions, "positions");
        KernelAssert.BitIdentical<float>(serial.Dx, parallel.Dx, "dx");
        KernelAssert.BitIdentical<int>(Expected(x, LargeBatch, Large).Positions, parallel.Positions, "positions");
    }

    [Theory]
    [InlineData("MaxPool")]
    [InlineData("MaxPoolBackward")]
    public void Kernel_allocates_nothing(string kernel)
    {
        float[] x = Coarse(LargeBatch * Large.InputSize, 8);
        var (y, positions) = Actual(x, LargeBatch, Large);
        Action action = kernel == "MaxPool"
            ? () => Pooling.MaxPool(x, y, positions, LargeBatch, Large)
            : () => Pooling.MaxPoolBackward(y, positions, x, LargeBatch, Large);
        Assert.Equal(0, AllocationMeter.Measure(action));
    }

    [Fact]
    public void Short_spans_and_bad_positions_are_refused()
    {
        ConvGeometry g = ConvGeometry.Create(4, 4, 3, 2, 2, 2, 2, Padding.Valid);
        int image = g.InputSize, outputs = g.OutputPixels * g.Channels;
        var e = Assert.Throws<ArgumentException>(() => Pooling.MaxPool(new float[2 * image - 1], new float[2 * outputs], new int[2 * outputs], 2, g));
        Assert.Equal("x", e.ParamName);
        e = Assert.Throws<ArgumentException>(() => Pooling.MaxPool(new float[2 * image], new float[2 * outputs - 1], new int[2 * outputs], 2, g));
        Assert.Equal("y", e.ParamName);
        e = Assert.Throws<ArgumentException>(() => Pooling.MaxPool(new float[2 * image], new float[2 * outputs], new int[2 * outputs - 1], 2, g));
        Assert.Equal("positions", e.ParamName);
        e = Assert.Throws<ArgumentException>(() => Pooling.MaxPoolBackward(new float[2 * outputs - 1], new int[2 * outputs], new float[2 * image], 2, g));
        Assert.Equal("dy", e.ParamName);
        e = Assert.Throws<ArgumentException>(() => Pooling.MaxPoolBackward(new float[2 * outputs], new int[2 * outputs], new float[2 * image - 1], 2, g));
        Assert.Equal("dx", e.ParamName);
        Assert.Throws<ArgumentOutOfRangeException>(() => Pooling.MaxPool(new float[image], new float[outputs], new int[outputs], -1, g));
        var positions = new int[outputs];
        positions[outputs - 1] = image; // one past the sample's input
        e = Assert.Throws<ArgumentException>(() => Pooling.MaxPoolBackward(new float[outputs], positions, new float[image], 1, g));
        Assert.Equal("positions", e.ParamName);
        positions[outputs - 1] = -1;
        Assert.Throws<ArgumentException>(() => Pooling.MaxPoolBackward(new float[outputs], positions, new float[image], 1, g));
    }
}
