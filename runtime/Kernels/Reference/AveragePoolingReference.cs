namespace ModelGen;

// The naive average pooling: one channel of one window at a time, in float, summed in the fast kernels' order.
public static partial class PoolingReference
{
    /// <summary>y[s, c] = (Σ_p x[s, p, c]) / pixels, summed over the pixels in order from zero.</summary>
    public static void GlobalAveragePool(ReadOnlySpan<float> x, Span<float> y, int batchSize, int pixels, int channels)
    {
        for (int s = 0; s < batchSize; s++)
            for (int c = 0; c < channels; c++)
            {
                float sum = 0f;
                for (int p = 0; p < pixels; p++) sum += x[(s * pixels + p) * channels + c];
                y[s * channels + c] = sum / pixels;
            }
    }

    /// <summary>dx[s, p, c] = dy[s, c] / pixels.</summary>
    public static void GlobalAveragePoolBackward(ReadOnlySpan<float> dy, Span<float> dx, int batchSize, int pixels, int channels)
    {
        for (int s = 0; s < batchSize; s++)
            for (int p = 0; p < pixels; p++)
                for (int c = 0; c < channels; c++) dx[(s * pixels + p) * channels + c] = dy[s * channels + c] / pixels;
    }

    /// <summary>
    /// y = the sum of each window's positions inside the image, in row-major window order, divided by WindowHeight·WindowWidth
    /// (countIncludePad) or by the number of those positions (at least 1).
    /// </summary>
    public static void AveragePool(ReadOnlySpan<float> x, Span<float> y, int batchSize, ConvGeometry g, bool countIncludePad)
    {
        int c = g.Channels;
        for (int n = 0; n < batchSize; n++)
            for (int oy = 0; oy < g.OutputHeight; oy++)
                for (int ox = 0; ox < g.OutputWidth; ox++)
                    for (int k = 0; k < c; k++)
                    {
                        float sum = 0f;
                        int count = 0;
                        for (int ky = 0; ky < g.WindowHeight; ky++)
                        {
                            int iy = oy * g.StrideHeight - g.PadTop + ky;
                            if ((uint)iy >= (uint)g.InputHeight) continue;
                            for (int kx = 0; kx < g.WindowWidth; kx++)
                            {
                                int ix = ox * g.StrideWidth - g.PadLeft + kx;
                                if ((uint)ix >= (uint)g.InputWidth) continue;
                                sum += x[n * g.InputSize + (iy * g.InputWidth + ix) * c + k];
                                count++;
                            }
                        }
                        float divisor = countIncludePad ? g.WindowHeight * g.WindowWidth : Math.Max(1, count);
                        y[((n * g.OutputHeight + oy) * g.OutputWidth + ox) * c + k] = sum / divisor;
                    }
    }

    /// <summary>dx = 0, then each dy / divisor added to every position of its window inside the image, windows in output order.</summary>
    public static void AveragePoolBackward(ReadOnlySpan<float> dy, Span<float> dx, int batchSize, ConvGeometry g, bool countIncludePad)
    {
        int c = g.Channels;
        dx.Slice(0, batchSize * g.InputSize).Clear();
        for (int n = 0; n < batchSize; n++)
            for (int oy = 0; oy < g.OutputHeight; oy++)
                for (int ox = 0; ox < g.OutputWidth; ox++)
                    for (int k = 0; k < c; k++)
                    {
                        int count = 0;
                        for (int ky = 0; ky < g.WindowHeight; ky++)
                            for (int kx = 0; kx < g.WindowWidth; kx++)
                                if ((uint)(oy * g.StrideHeight - g.PadTop + ky) < (uint)g.InputHeight
                                    && (uint)(ox * g.StrideWidth - g.PadLeft + kx) < (uint)g.InputWidth) count++;
                        float divisor = countIncludePad ? g.WindowHeight * g.WindowWidth : Math.Max(1, count);
                        float share = dy[((n * g.OutputHeight + oy) * g.OutputWidth + ox) * c + k] / divisor;
                        for (int ky = 0; ky < g.WindowHeight; ky++)
                        {
                            int iy = oy * g.StrideHeight - g.PadTop + ky;
                            if ((uint)iy >= (uint)g.InputHeight) continue;
                            for (int kx = 0; kx < g.WindowWidth; kx++)
                            {
                                int ix = ox * g.StrideWidth - g.PadLeft + kx;
                                if ((uint)ix >= (uint)g.InputWidth) continue;
                                dx[n * g.InputSize + (iy * g.InputWidth + ix) * c + k] += share;
                            }
                        }
                    }
    }
}
