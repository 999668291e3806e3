namespace ModelGen;

/// <summary>
/// The data movement of a 2-D convolution, channels-last. A convolution is computed as a matrix product
/// over "patches": im2col copies each output pixel's window, [WindowHeight, WindowWidth, Channels], into a
/// row of a patch matrix [batch · OutputPixels, PatchSize] (zeros for padding), so that
/// y = patches · W + b with W [PatchSize, Filters] is <see cref="Kernels.Affine"/>, the weight gradient is
/// <see cref="Kernels.WeightGradient"/> and the patches' gradient is <see cref="Kernels.InputGradient"/>;
/// col2im then adds each patch gradient back onto the input pixels it came from.
/// </summary>
public static class Convolution
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

    private static void Check(int imageLength, int patchLength, int batch, in ConvGeometry g)
    {
        if (batch < 0) throw new ArgumentOutOfRangeException(nameof(batch));
        if (imageLength < (long)batch * g.InputSize) throw new ArgumentException("The image span is shorter than batch × InputSize.");
        if (patchLength < (long)batch * g.OutputPixels * g.PatchSize) throw new ArgumentException("The patch span is shorter than batch × OutputPixels × PatchSize.");
    }
}
