namespace ModelGen.Tests.Core;

/// <summary>
/// <see cref="Convolution.ForwardNormalized"/>'s Winograd path (F(2×2, 3×3), taken when the caller passes the weights
/// <see cref="Winograd.TransformWeights"/> made): close to the direct sums on ResNet-20's three stages and on odd shapes (odd sides, so the last
/// tiles hang over the edge; Valid and Same padding; channel counts that are not whole vectors; a 1×1 and a 3×4 image,
/// whose scratch is the room after the weights); the same bits
/// for a sample whatever its batch, the thread count or the scratch it gets; and the direct path when the room is short
/// or the geometry is not 3×3 with stride 1.
/// </summary>
[Collection(AllocationTestGroup.Name)]
public sealed class WinogradTests
{
    public static TheoryData<int, int, int, Padding, int, int> Cases() => new()
    {
        // height, width, channels, padding, filters, batch
        { 28, 28, 16, Padding.Same, 16, 3 },
        { 14, 14, 32, Padding.Same, 32, 4 },
        { 7, 7, 64, Padding.Same, 64, 5 },
        { 13, 13, 32, Padding.Valid, 64, 2 },
        { 9, 11, 16, Padding.Same, 16, 3 },
        { 12, 10, 16, Padding.Valid, 32, 3 },
        { 5, 5, 17, Padding.Same, 32, 2 },
        { 1, 1, 16, Padding.Same, 16, 2 },
        { 3, 4, 20, Padding.Valid, 48, 3 },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Winograd_outputs_are_close_to_the_direct_sums(int height, int width, int channels, Padding padding, int filters, int batch)
    {
        var c = new Case(height, width, channels, padding, filters, batch);
        foreach (bool relu in new[] { false, true })
        {
            float[] direct = c.Run(transformed: 0, relu: relu);
            float[] winograd = c.Run(transformed: c.TransformedLength, relu: relu);
            // Relative to the largest output: Winograd's error grows with the magnitudes it adds, not with each output's own.
            KernelAssert.CloseToMax(direct, winograd, 2e-6, $"y, ReLU {relu}");
            Assert.False(direct.AsSpan().SequenceEqual(winograd), "The Winograd path gave the direct path's bits: it did not run.");
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void A_sample_gets_the_same_bits_whatever_its_batch_threads_and_scratch(int height, int width, int channels, Padding padding, int filters, int batch)
    {
        var c = new Case(height, width, channels, padding, filters, batch);
        float[] together = c.Run(transformed: c.TransformedLength, relu: true);
        int outputs = c.Geometry.OutputPixels * filters;
        Kernels.AllowParallel = false;
        try
        {
            for (int n = 0; n < batch; n++)
            {
                // One sample alone on one core, with only its own patch rows as scratch (smaller tile blocks), and with a spare
                // transformed-weights buffer longer than needed.
                float[] alone = c.Run(transformed: c.TransformedLength + 5, relu: true, first: n, count: 1);
                KernelAssert.BitIdentical<float>(together.AsSpan(n * outputs, outputs), alone, $"sample {n}");
            }
        }
        finally { Kernels.AllowParallel = true; }
    }

    [Fact]
    public void Short_room_or_other_windows_take_the_direct_path()
    {
        var c = new Case(14, 14, 32, Padding.Same, 32, 3);
        KernelAssert.BitIdentical<float>(c.Run(transformed: 0, relu: true), c.Run(transformed: c.TransformedLength - 1, relu: true), "one float short");
        Assert.False(Winograd.Suits(ConvGeometry.Create(14, 14, 32, 3, 3, 2, 2, Padding.Same), 32), "stride 2");
        Assert.False(Winograd.Suits(ConvGeometry.Create(14, 14, 32, 5, 5, 1, 1, Padding.Same), 32), "5×5");
        Assert.False(Winograd.Suits(ConvGeometry.Create(28, 28, 1, 3, 3, 1, 1, Padding.Same), 16), "one channel");
        Assert.False(Winograd.Suits(ConvGeometry.Create(9, 9, 11, 3, 3, 1, 1, Padding.Same), 32), "11 channels");
        Assert.False(Winograd.Suits(ConvGeometry.Create(13, 13, 32, 3, 3, 1, 1, Padding.Valid), 40), "40 filters");
        Assert.Equal(0, Winograd.WeightsLength(ConvGeometry.Create(28, 28, 1, 3, 3, 1, 1, Padding.Same), 16));
        Winograd.TransformWeights(new float[9 * 16], [], ConvGeometry.Create(28, 28, 1, 3, 3, 1, 1, Padding.Same), 16); // nothing to do, no room needed
        Assert.Throws<ArgumentException>(() => Winograd.TransformWeights(c.W, new float[c.TransformedLength - 1], c.Geometry, 32));
        Assert.Throws<ArgumentException>(() => Winograd.TransformWeights(c.W.AsSpan(1), new float[c.TransformedLength], c.Geometry, 32));
        Assert.True(Winograd.Suits(ConvGeometry.Create(28, 28, 16, 3, 3, 1, 1, Padding.Same), 16), "ResNet-20's first stage");
    }

    [Fact]
    public void The_Winograd_path_allocates_nothing()
    {
        var c = new Case(28, 28, 16, Padding.Same, 16, 8);
        float[] y = new float[8 * c.Geometry.OutputPixels * 16], patches = new float[8 * c.Geometry.OutputPixels * c.Geometry.PatchSize];
        float[] room = new float[c.TransformedLength];
        Assert.Equal(0, AllocationMeter.Measure(() =>
        {
            Winograd.TransformWeights(c.W, room, c.Geometry, 16);
            Convolution.ForwardNormalized(c.X, patches, c.W, c.B, y, 8, c.Geometry, 16, c.Gamma, c.Beta, c.Mean, c.Variance, 1e-5f, c.Residual, true, room);
        }));
    }

    /// <summary>One convolution's inputs, weights and statistics, from fixed seeds.</summary>
    private sealed class Case
    {
        public readonly ConvGeometry Geometry;
        public readonly int Filters, Batch, TransformedLength;
        public readonly float[] X, W, B, Gamma, Beta, Mean, Variance, Residual;

        public Case(int height, int width, int channels, Padding padding, int filters, int batch)
        {
            Geometry = ConvGeometry.Create(height, width, channels, 3, 3, 1, 1, padding);
            Filters = filters;
            Batch = batch;
            TransformedLength = (int)Winograd.WeightsLength(Geometry, filters);
            X = TestData.Uniform(batch * Geometry.InputSize, 1);
            W = TestData.Uniform(Geometry.PatchSize * filters, 2);
            B = TestData.Uniform(filters, 3);
            Gamma = TestData.Uniform(filters, 5, 0.5f, 1.5f);
            Beta = TestData.Uniform(filters, 6);
            Mean = TestData.Uniform(filters, 7);
            Variance = TestData.Uniform(filters, 8, 0.5f, 2f);
            Residual = TestData.Uniform(batch * Geometry.OutputPixels * filters, 9);
        }

        /// <summary>Samples [first, first + count) through ForwardNormalized with a residual, each with its own patch rows as scratch.</summary>
        public float[] Run(int transformed, bool relu, int first = 0, int count = -1)
        {
            if (count < 0) count = Batch;
            int outputs = Geometry.OutputPixels * Filters;
            float[] y = ConvCases.Garbage(count * outputs), room = ConvCases.Garbage(transformed);
            if (transformed >= TransformedLength) Winograd.TransformWeights(W, room, Geometry, Filters);
            Convolution.ForwardNormalized(X.AsSpan(first * Geometry.InputSize, count * Geometry.InputSize), ConvCases.Garbage(count * Geometry.OutputPixels * Geometry.PatchSize),
                W, B, y, count, Geometry, Filters, Gamma, Beta, Mean, Variance, 1e-5f, Residual.AsSpan(first * outputs, count * outputs), relu, room);
            return y;
        }
    }
}
