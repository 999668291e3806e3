namespace ModelGen.Tests.Core;

/// <summary>
/// The fused convolution calls (<see cref="Convolution.Forward"/>, <see cref="Convolution.WeightGradient"/>,
/// <see cref="Convolution.InputGradient"/>), which make patches where they are used, against the separate
/// calls on a whole patch matrix (im2col, then the dense kernels, then col2im): the same bits, on every
/// vector path, on one core and on all. The shapes include ResNet-20's three stages and its strided
/// convolution (register tiles, patches made from the images, stride-1 windows read from a padded copy of the
/// image), odd windows and paddings, filter counts
/// that are not whole vectors, a single sample, and a sparse gradient (the transposed partials).
/// </summary>
[Collection(AllocationTestGroup.Name)]
public sealed class ConvolutionProductsTests
{
    public static TheoryData<int, int, int, int, int, int, Padding, int, int> Cases() => new()
    {
        // height, width, channels, window height, window width, stride, padding, filters, batch
        { 28, 28, 16, 3, 3, 1, Padding.Same, 16, 9 },
        { 14, 14, 32, 3, 3, 1, Padding.Same, 32, 20 },
        { 7, 7, 64, 3, 3, 1, Padding.Same, 64, 40 },
        { 28, 28, 16, 3, 3, 2, Padding.Same, 32, 16 },
        { 14, 14, 32, 1, 1, 2, Padding.Valid, 64, 40 },
        { 13, 11, 5, 3, 2, 2, Padding.Valid, 16, 33 },
        { 17, 13, 3, 5, 5, 1, Padding.Same, 48, 3 },
        { 28, 28, 1, 3, 3, 1, Padding.Valid, 32, 12 },
        { 13, 13, 32, 3, 3, 1, Padding.Valid, 64, 7 },
        { 9, 9, 4, 3, 3, 1, Padding.Same, 7, 5 },
        { 7, 7, 64, 3, 3, 1, Padding.Same, 64, 1 },
        { 9, 11, 8, 4, 4, 1, Padding.Same, 16, 4 },    // stride 1 from a padded image: one pad at the top and left, two at the bottom and right
        { 12, 10, 16, 3, 3, 1, Padding.Valid, 32, 5 }, // stride 1 from the image itself (no padding), rows narrower than tall
        { 22, 21, 16, 4, 4, 1, Padding.Same, 16, 2 },  // input gradient as a correlation: one pad above and left, two below and right
        { 16, 15, 32, 3, 3, 1, Padding.Valid, 16, 3 }, // input gradient as a correlation padded by 2 (fewer filters than channels)
    };

    // A case's geometry, product rows and patch-matrix length, and its input (half zeros), weights and biases.
    private static (ConvGeometry G, int Rows, int PatchCount, float[] X, float[] W, float[] B) Operands(int height, int width, int channels,
        int kh, int kw, int stride, Padding padding, int filters, int batch)
    {
        ConvGeometry g = ConvGeometry.Create(height, width, channels, kh, kw, stride, stride, padding);
        int rows = batch * g.OutputPixels;
        return (g, rows, rows * g.PatchSize, Sparse(batch * g.InputSize, 1, 0.5f), TestData.Uniform(g.PatchSize * filters, 2), TestData.Uniform(filters, 3));
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Fused_calls_give_the_bits_of_the_separate_calls(int height, int width, int channels, int kh, int kw, int stride, Padding padding, int filters, int batch)
    {
        var (g, rows, patchCount, x, w, b) = Operands(height, width, channels, kh, kw, stride, padding, filters, batch);
        foreach (float zeros in new[] { 0f, 0.8f })
        {
            float[] dz = Sparse(rows * filters, 4, zeros);

            float[] patches = new float[patchCount], y = new float[rows * filters], dw = new float[g.PatchSize * filters], dpatches = new float[patchCount], dx = new float[x.Length];
            Convolution.Im2Col(x, patches, batch, g);
            Kernels.Affine(patches, w, b, y, rows, g.PatchSize, filters);
            Kernels.WeightGradient(patches, dz, dw, rows, g.PatchSize, filters);
            Kernels.InputGradient(dz, w, dpatches, rows, g.PatchSize, filters);
            Convolution.Col2Im(dpatches, dx, batch, g);
            if (Convolution.InputGradientIsCorrelation(g, filters))
            {
                // dx is then the forward convolution of dz with the flipped weights: its separate calls give the bits, and
                // the patch gradients' sums agree within rounding.
                float[] sums = dx;
                dx = CorrelationInputGradient(dz, w, batch, g, filters);
                KernelAssert.Close(sums, dx, 1e-5f, "dx as a correlation against col2im's sums");
            }

            foreach (bool parallel in new[] { true, false })
            {
                Kernels.AllowParallel = parallel;
                try
                {
                    float[] scratch = ConvCases.Garbage(patchCount), fusedY = ConvCases.Garbage(y.Length), fusedDw = ConvCases.Garbage(dw.Length), fusedDx = ConvCases.Garbage(dx.Length);
                    Convolution.Forward(x, scratch, w, b, fusedY, batch, g, filters);
                    Convolution.WeightGradient(x, ConvCases.Garbage(patchCount), dz, fusedDw, batch, g, filters);
                    Convolution.InputGradient(dz, w, ConvCases.Garbage(patchCount), fusedDx, batch, g, filters);
                    string where = $"dz {zeros:P0} zeros, {(parallel ? "all cores" : "one core")}";
                    KernelAssert.BitIdentical<float>(y, fusedY, "y, " + where);
                    KernelAssert.BitIdentical<float>(dw, fusedDw, "dW, " + where);
                    KernelAssert.BitIdentical<float>(dx, fusedDx, "dx, " + where);
                }
                finally { Kernels.AllowParallel = true; }
            }
        }
    }

    /// <summary>
    /// The Winograd path of <see cref="Convolution.Forward"/> and <see cref="Convolution.InputGradient"/> (winograd: true), for
    /// the shapes <see cref="Winograd.Suits"/>: y within rounding of the direct sums and dx of col2im's, the same bits on one
    /// core and on all, and each sample's y the same bits alone as in the batch; for the other shapes, the bits of winograd: false.
    /// </summary>
    [Theory]
    [MemberData(nameof(Cases))]
    public void Winograd_calls_stay_within_rounding_of_the_direct_ones(int height, int width, int channels, int kh, int kw, int stride, Padding padding, int filters, int batch)
    {
        var (g, rows, patchCount, x, w, b) = Operands(height, width, channels, kh, kw, stride, padding, filters, batch);
        float[] dz = Sparse(rows * filters, 4, 0f);
        float[] y = new float[rows * filters], dx = new float[x.Length];
        Convolution.Forward(x, new float[patchCount], w, b, y, batch, g, filters);
        Convolution.InputGradient(dz, w, new float[patchCount], dx, batch, g, filters);
        bool suits = Winograd.Suits(g, filters);
        float[][] Run(bool parallel)
        {
            Kernels.AllowParallel = parallel;
            try
            {
                float[] wy = ConvCases.Garbage(y.Length), wdx = ConvCases.Garbage(dx.Length);
                Convolution.Forward(x, ConvCases.Garbage(patchCount), w, b, wy, batch, g, filters, winograd: true);
                Convolution.InputGradient(dz, w, ConvCases.Garbage(patchCount), wdx, batch, g, filters, winograd: true);
                return [wy, wdx];
            }
            finally { Kernels.AllowParallel = true; }
        }
        float[][] all = Run(true), one = Run(false);
        KernelAssert.BitIdentical<float>(all[0], one[0], "Winograd y, one core against all");
        KernelAssert.BitIdentical<float>(all[1], one[1], "Winograd dx, one core against all");
        if (!suits)
        {
            KernelAssert.BitIdentical<float>(y, all[0], "y where Winograd does not suit");
            if (!Convolution.InputGradientIsCorrelation(g, filters, winograd: true)) KernelAssert.BitIdentical<float>(dx, all[1], "dx where Winograd does not suit");
            return;
        }
        KernelAssert.CloseToMax(y, all[0], 1e-5, "Winograd y against the direct sums");
        Assert.False(y.AsSpan().SequenceEqual(all[0]), "Winograd y has the direct sums' bits: the path did not run");
        KernelAssert.CloseToMax(dx, all[1], 1e-5, "Winograd dx against col2im's sums");
        int last = batch - 1;
        float[] alone = new float[g.OutputPixels * filters];
        Convolution.Forward(x.AsSpan(last * g.InputSize, g.InputSize), new float[g.OutputPixels * g.PatchSize], w, b, alone, 1, g, filters, winograd: true);
        KernelAssert.BitIdentical<float>(all[0].AsSpan(last * alone.Length, alone.Length), alone, "the last sample's Winograd y alone");
    }

    // dx of Convolution.InputGradientIsCorrelation from the separate calls: im2col of dz with the backward geometry, then the product with the flipped weights.
    private static float[] CorrelationInputGradient(float[] dz, float[] w, int batch, ConvGeometry g, int filters)
    {
        ConvGeometry back = Convolution.InputGradientGeometry(g, filters);
        float[] flipped = new float[w.Length], patches = new float[batch * back.OutputPixels * back.PatchSize], dx = new float[batch * g.InputSize];
        Convolution.FlipWeights(w, flipped, g, filters);
        Convolution.Im2Col(dz, patches, batch, back);
        Kernels.Affine(patches, flipped, new float[g.Channels], dx, batch * back.OutputPixels, back.PatchSize, g.Channels);
        return dx;
    }

    /// <summary>
    /// <see cref="Convolution.ForwardNormalized"/> (a convolution, then BatchNormalization with running statistics, an
    /// optional residual Add and an optional ReLU, a sample at a time) against the separate calls: the same bits.
    /// </summary>
    [Theory]
    [MemberData(nameof(Cases))]
    public void Normalized_forward_gives_the_bits_of_the_separate_calls(int height, int width, int channels, int kh, int kw, int stride, Padding padding, int filters, int batch)
    {
        var (g, rows, patchCount, x, w, b) = Operands(height, width, channels, kh, kw, stride, padding, filters, batch);
        float[] gamma = TestData.Uniform(filters, 5, 0.5f, 1.5f), beta = TestData.Uniform(filters, 6), mean = TestData.Uniform(filters, 7), variance = TestData.Uniform(filters, 8, 0.5f, 2f);
        float[] residual = TestData.Uniform(rows * filters, 9);
        float[] z = new float[rows * filters];
        Convolution.Forward(x, new float[patchCount], w, b, z, batch, g, filters);
        foreach (bool withResidual in new[] { false, true })
            foreach (bool relu in new[] { false, true })
            {
                float[] expected = new float[rows * filters];
                Normalization.BatchNormInference(z, [], expected, gamma, beta, [], mean, variance, 1e-5f, rows, filters);
                if (withResidual) Merging.Add(expected, residual, expected);
                if (relu) Activations.ReLU(expected);
                foreach (bool parallel in new[] { true, false })
                {
                    Kernels.AllowParallel = parallel;
                    try
                    {
                        float[] y = ConvCases.Garbage(rows * filters);
                        Convolution.ForwardNormalized(x, ConvCases.Garbage(patchCount), w, b, y, batch, g, filters, gamma, beta, mean, variance, 1e-5f,
                            withResidual ? residual : default, relu);
                        KernelAssert.BitIdentical<float>(expected, y, $"y, residual {withResidual}, ReLU {relu}, {(parallel ? "all cores" : "one core")}");
                    }
                    finally { Kernels.AllowParallel = true; }
                }
            }
    }

    [Fact]
    public void Fused_calls_check_their_spans()
    {
        ConvGeometry g = ConvGeometry.Create(6, 6, 2, 3, 3, 1, 1, Padding.Same);
        float[] x = new float[2 * g.InputSize], patches = new float[2 * g.OutputPixels * g.PatchSize], w = new float[g.PatchSize * 4], y = new float[2 * g.OutputPixels * 4];
        Assert.Throws<ArgumentException>(() => Convolution.Forward(x, patches, w.AsSpan(1), new float[4], y, 2, g, 4));
        Assert.Throws<ArgumentException>(() => Convolution.Forward(x, patches, w, new float[3], y, 2, g, 4));
        Assert.Throws<ArgumentException>(() => Convolution.Forward(x, patches, w, new float[4], y.AsSpan(1), 2, g, 4));
        Assert.Throws<ArgumentException>(() => Convolution.WeightGradient(x, patches.AsSpan(1), y, w, 2, g, 4));
        Assert.Throws<ArgumentException>(() => Convolution.InputGradient(y, w, patches, x.AsSpan(1), 2, g, 4));
        Assert.Throws<ArgumentOutOfRangeException>(() => Convolution.InputGradient(y, w, patches, x, 2, g, 0));
    }

    private static float[] Sparse(int count, ulong seed, float zeros)
    {
        float[] values = TestData.Uniform(count, seed);
        var random = new Xoshiro256StarStar(seed + 7);
        for (int i = 0; i < count; i++) if (random.NextSingle() < zeros) values[i] = 0f;
        return values;
    }
}
