namespace ModelGen;

/// <summary>
/// The naive reference for <see cref="Convolution"/>: plain loops, one value at a time, kept beside the
/// fast kernels (as llm.c keeps matmul_forward_naive) so tests and benchmarks can check and measure them.
/// Also a direct convolution, forward and backward, against which the im2col product path is tested.
/// Not used by generated models. Channels-last throughout; W is [WindowHeight, WindowWidth, Channels, filters].
/// </summary>
public static class ConvolutionReference
{
    /// <summary>patches [batch · OutputPixels, PatchSize] = the window of every output pixel of x [batch, InputSize]; overwrites patches.</summary>
    public static void Im2Col(ReadOnlySpan<float> x, Span<float> patches, int batch, in ConvGeometry g)
    {
        Check(x.Length, patches.Length, batch, g);
        int c = g.Channels;
        for (int n = 0; n < batch; n++)
        {
            ReadOnlySpan<float> image = x.Slice(n * g.InputSize, g.InputSize);
            for (int oy = 0; oy < g.OutputHeight; oy++)
                for (int ox = 0; ox < g.OutputWidth; ox++)
                {
                    Span<float> row = patches.Slice(((n * g.OutputHeight + oy) * g.OutputWidth + ox) * g.PatchSize, g.PatchSize);
                    for (int ky = 0; ky < g.WindowHeight; ky++)
                    {
                        int iy = oy * g.StrideHeight - g.PadTop + ky;
                        for (int kx = 0; kx < g.WindowWidth; kx++)
                        {
                            int ix = ox * g.StrideWidth - g.PadLeft + kx;
                            Span<float> target = row.Slice((ky * g.WindowWidth + kx) * c, c);
                            if ((uint)iy < (uint)g.InputHeight && (uint)ix < (uint)g.InputWidth)
                                image.Slice((iy * g.InputWidth + ix) * c, c).CopyTo(target);
                            else
                                target.Clear();
                        }
                    }
                }
        }
    }

    /// <summary>dx [batch, InputSize] = the sum, over every window that covers an input value, of that value's patch gradient; overwrites dx.</summary>
    public static void Col2Im(ReadOnlySpan<float> dpatches, Span<float> dx, int batch, in ConvGeometry g)
    {
        Check(dx.Length, dpatches.Length, batch, g);
        int c = g.Channels;
        dx.Slice(0, batch * g.InputSize).Clear();
        for (int n = 0; n < batch; n++)
        {
            Span<float> image = dx.Slice(n * g.InputSize, g.InputSize);
            for (int oy = 0; oy < g.OutputHeight; oy++)
                for (int ox = 0; ox < g.OutputWidth; ox++)
                {
                    ReadOnlySpan<float> row = dpatches.Slice(((n * g.OutputHeight + oy) * g.OutputWidth + ox) * g.PatchSize, g.PatchSize);
                    for (int ky = 0; ky < g.WindowHeight; ky++)
                    {
                        int iy = oy * g.StrideHeight - g.PadTop + ky;
                        if ((uint)iy >= (uint)g.InputHeight) continue;
                        for (int kx = 0; kx < g.WindowWidth; kx++)
                        {
                            int ix = ox * g.StrideWidth - g.PadLeft + kx;
                            if ((uint)ix >= (uint)g.InputWidth) continue;
                            ReadOnlySpan<float> source = row.Slice((ky * g.WindowWidth + kx) * c, c);
                            Span<float> target = image.Slice((iy * g.InputWidth + ix) * c, c);
                            for (int k = 0; k < c; k++) target[k] += source[k];
                        }
                    }
                }
        }
    }

    /// <summary>
    /// y [batch, OutputPixels, filters] = b + the direct convolution of x [batch, InputSize] with
    /// w [WindowHeight, WindowWidth, Channels, filters], padding read as zero; sums in double.
    /// </summary>
    public static void Forward(ReadOnlySpan<float> x, ReadOnlySpan<float> w, ReadOnlySpan<float> b, Span<float> y,
        int batch, in ConvGeometry g, int filters)
    {
        CheckDirect(x.Length, w.Length, y.Length, batch, g, filters);
        if (b.Length < filters) throw new ArgumentException("The bias span is shorter than filters.", nameof(b));
        int c = g.Channels;
        for (int n = 0; n < batch; n++)
            for (int oy = 0; oy < g.OutputHeight; oy++)
                for (int ox = 0; ox < g.OutputWidth; ox++)
                    for (int f = 0; f < filters; f++)
                    {
                        double sum = b[f];
                        for (int ky = 0; ky < g.WindowHeight; ky++)
                        {
                            int iy = oy * g.StrideHeight - g.PadTop + ky;
                            if ((uint)iy >= (uint)g.InputHeight) continue;
                            for (int kx = 0; kx < g.WindowWidth; kx++)
                            {
                                int ix = ox * g.StrideWidth - g.PadLeft + kx;
                                if ((uint)ix >= (uint)g.InputWidth) continue;
                                for (int k = 0; k < c; k++)
                                    sum += (double)x[n * g.InputSize + (iy * g.InputWidth + ix) * c + k]
                                         * w[((ky * g.WindowWidth + kx) * c + k) * filters + f];
                            }
                        }
                        y[((n * g.OutputHeight + oy) * g.OutputWidth + ox) * filters + f] = (float)sum;
                    }
    }

    /// <summary>
    /// The direct convolution's gradients from dy [batch, OutputPixels, filters]: dw [WindowHeight, WindowWidth,
    /// Channels, filters] and db [filters] summed over the batch, and dx [batch, InputSize]; sums in double,
    /// overwrites all three.
    /// </summary>
    public static void Backward(ReadOnlySpan<float> x, ReadOnlySpan<float> w, ReadOnlySpan<float> dy,
        Span<float> dw, Span<float> db, Span<float> dx, int batch, in ConvGeometry g, int filters)
    {
        CheckDirect(x.Length, w.Length, dy.Length, batch, g, filters);
        CheckDirect(dx.Length, dw.Length, dy.Length, batch, g, filters);
        if (db.Length < filters) throw new ArgumentException("The bias gradient span is shorter than filters.", nameof(db));
        int c = g.Channels, patch = g.PatchSize, outputs = g.OutputPixels;
        var dwSum = new double[patch * filters];
        var dbSum = new double[filters];
        var dxSum = new double[batch * g.InputSize];
        for (int n = 0; n < batch; n++)
            for (int oy = 0; oy < g.OutputHeight; oy++)
                for (int ox = 0; ox < g.OutputWidth; ox++)
                    for (int f = 0; f < filters; f++)
                    {
                        double d = dy[(n * outputs + oy * g.OutputWidth + ox) * filters + f];
                        dbSum[f] += d;
                        for (int ky = 0; ky < g.WindowHeight; ky++)
                        {
                            int iy = oy * g.StrideHeight - g.PadTop + ky;
                            if ((uint)iy >= (uint)g.InputHeight) continue;
                            for (int kx = 0; kx < g.WindowWidth; kx++)
                            {
                                int ix = ox * g.StrideWidth - g.PadLeft + kx;
                                if ((uint)ix >= (uint)g.InputWidth) continue;
                                for (int k = 0; k < c; k++)
                                {
                                    int xi = n * g.InputSize + (iy * g.InputWidth + ix) * c + k;
                                    int wi = ((ky * g.WindowWidth + kx) * c + k) * filters + f;
                                    dwSum[wi] += x[xi] * d;
                                    dxSum[xi] += w[wi] * d;
                                }
                            }
                        }
                    }
        for (int i = 0; i < dwSum.Length; i++) dw[i] = (float)dwSum[i];
        for (int f = 0; f < filters; f++) db[f] = (float)dbSum[f];
        for (int i = 0; i < dxSum.Length; i++) dx[i] = (float)dxSum[i];
    }

    private static void Check(int imageLength, int patchLength, int batch, in ConvGeometry g)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(batch);
        if (imageLength < (long)batch * g.InputSize) throw new ArgumentException("The image span is shorter than batch × InputSize.");
        if (patchLength < (long)batch * g.OutputPixels * g.PatchSize) throw new ArgumentException("The patch span is shorter than batch × OutputPixels × PatchSize.");
    }

    private static void CheckDirect(int imageLength, int weightLength, int outputLength, int batch, in ConvGeometry g, int filters)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(batch);
        ArgumentOutOfRangeException.ThrowIfLessThan(filters, 1);
        if (imageLength < (long)batch * g.InputSize) throw new ArgumentException("The image span is shorter than batch × InputSize.");
        if (weightLength < (long)g.PatchSize * filters) throw new ArgumentException("The weight span is shorter than PatchSize × filters.");
        if (outputLength < (long)batch * g.OutputPixels * filters) throw new ArgumentException("The output span is shorter than batch × OutputPixels × filters.");
    }
}
