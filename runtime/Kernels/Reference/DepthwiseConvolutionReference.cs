namespace ModelGen;

/// <summary>
/// The naive reference for <see cref="DepthwiseConvolution"/>: the defining sums, one output value at a time, in float
/// with separate multiplies and adds. Weights [WindowHeight, WindowWidth, C, M]; output channel c·M + m. Not used by
/// generated models.
/// </summary>
public static class DepthwiseConvolutionReference
{
    /// <summary>y[s, oy, ox, c·M + m] = b[c·M + m] + Σ_(ky, kx inside the image) x[s, iy, ix, c]·w[ky, kx, c, m].</summary>
    public static void Forward(ReadOnlySpan<float> x, ReadOnlySpan<float> weights, ReadOnlySpan<float> biases, Span<float> y,
        int batchSize, ConvGeometry g, int depthMultiplier)
    {
        int c = g.Channels, m = depthMultiplier, outputs = c * m;
        for (int n = 0; n < batchSize; n++)
            for (int oy = 0; oy < g.OutputHeight; oy++)
                for (int ox = 0; ox < g.OutputWidth; ox++)
                    for (int k = 0; k < c; k++)
                        for (int j = 0; j < m; j++)
                        {
                            float sum = biases[k * m + j];
                            for (int ky = 0; ky < g.WindowHeight; ky++)
                            {
                                int iy = oy * g.StrideHeight - g.PadTop + ky;
                                if ((uint)iy >= (uint)g.InputHeight) continue;
                                for (int kx = 0; kx < g.WindowWidth; kx++)
                                {
                                    int ix = ox * g.StrideWidth - g.PadLeft + kx;
                                    if ((uint)ix >= (uint)g.InputWidth) continue;
                                    sum += x[n * g.InputSize + (iy * g.InputWidth + ix) * c + k] * weights[(ky * g.WindowWidth + kx) * outputs + k * m + j];
                                }
                            }
                            y[((n * g.OutputHeight + oy) * g.OutputWidth + ox) * outputs + k * m + j] = sum;
                        }
    }

    /// <summary>dW = Σ x·dz over samples and pixels, db = Σ dz, and (when dx is not empty) dx = Σ over covering windows of Σ_m dz·w.</summary>
    public static void Backward(ReadOnlySpan<float> x, ReadOnlySpan<float> dz, ReadOnlySpan<float> weights,
        Span<float> weightGradient, Span<float> biasGradient, Span<float> dx, int batchSize, ConvGeometry g, int depthMultiplier)
    {
        int c = g.Channels, m = depthMultiplier, outputs = c * m;
        weightGradient.Slice(0, g.WindowHeight * g.WindowWidth * outputs).Clear();
        biasGradient.Slice(0, outputs).Clear();
        if (!dx.IsEmpty) dx.Slice(0, batchSize * g.InputSize).Clear();
        for (int n = 0; n < batchSize; n++)
            for (int oy = 0; oy < g.OutputHeight; oy++)
                for (int ox = 0; ox < g.OutputWidth; ox++)
                    for (int k = 0; k < c; k++)
                        for (int j = 0; j < m; j++)
                        {
                            float d = dz[((n * g.OutputHeight + oy) * g.OutputWidth + ox) * outputs + k * m + j];
                            biasGradient[k * m + j] += d;
                            for (int ky = 0; ky < g.WindowHeight; ky++)
                            {
                                int iy = oy * g.StrideHeight - g.PadTop + ky;
                                if ((uint)iy >= (uint)g.InputHeight) continue;
                                for (int kx = 0; kx < g.WindowWidth; kx++)
                                {
                                    int ix = ox * g.StrideWidth - g.PadLeft + kx;
                                    if ((uint)ix >= (uint)g.InputWidth) continue;
                                    int xi = n * g.InputSize + (iy * g.InputWidth + ix) * c + k;
                                    int wi = (ky * g.WindowWidth + kx) * outputs + k * m + j;
                                    weightGradient[wi] += x[xi] * d;
                                    if (!dx.IsEmpty) dx[xi] += weights[wi] * d;
                                }
                            }
                        }
    }
}
