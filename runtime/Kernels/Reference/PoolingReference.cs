namespace ModelGen;

/// <summary>
/// The naive reference for <see cref="Pooling"/>: one channel of one window at a time, kept beside the fast
/// kernels so tests and benchmarks can check and measure them. Not used by generated models.
/// </summary>
public static partial class PoolingReference
{
    /// <summary>
    /// y [batch, OutputPixels · Channels] = the largest value of each window, channel by channel; positions
    /// gets, for each output value, the index within its sample's input [InputSize] of that maximum (the first
    /// one in row-major window order on ties). Padded positions never win. Overwrites y and positions.
    /// </summary>
    public static void MaxPool(ReadOnlySpan<float> x, Span<float> y, Span<int> positions, int batch, in ConvGeometry g)
    {
        int c = g.Channels, outSize = g.OutputPixels * c;
        for (int n = 0; n < batch; n++)
        {
            ReadOnlySpan<float> image = x.Slice(n * g.InputSize, g.InputSize);
            for (int oy = 0; oy < g.OutputHeight; oy++)
                for (int ox = 0; ox < g.OutputWidth; ox++)
                    for (int k = 0; k < c; k++)
                    {
                        float best = float.NegativeInfinity;
                        int where = -1;
                        for (int ky = 0; ky < g.WindowHeight; ky++)
                        {
                            int iy = oy * g.StrideHeight - g.PadTop + ky;
                            if ((uint)iy >= (uint)g.InputHeight) continue;
                            for (int kx = 0; kx < g.WindowWidth; kx++)
                            {
                                int ix = ox * g.StrideWidth - g.PadLeft + kx;
                                if ((uint)ix >= (uint)g.InputWidth) continue;
                                int index = (iy * g.InputWidth + ix) * c + k;
                                if (where < 0 || image[index] > best)
                                {
                                    best = image[index];
                                    where = index;
                                }
                            }
                        }
                        int o = n * outSize + (oy * g.OutputWidth + ox) * c + k;
                        y[o] = best;
                        positions[o] = where;
                    }
        }
    }

    /// <summary>dx [batch, InputSize] = each dy value added at its maximum's position, zero elsewhere; overwrites dx.</summary>
    public static void MaxPoolBackward(ReadOnlySpan<float> dy, ReadOnlySpan<int> positions, Span<float> dx, int batch, in ConvGeometry g)
    {
        int outSize = g.OutputPixels * g.Channels;
        dx.Slice(0, batch * g.InputSize).Clear();
        for (int n = 0; n < batch; n++)
        {
            Span<float> image = dx.Slice(n * g.InputSize, g.InputSize);
            for (int o = 0; o < outSize; o++) image[positions[n * outSize + o]] += dy[n * outSize + o];
        }
    }
}
