namespace ModelGen;

/// <summary>
/// The data movement of a 2-D convolution, channels-last. A convolution is computed as a matrix product
/// over "patches": im2col copies each output pixel's window, [WindowHeight, WindowWidth, Channels], into a
/// row of a patch matrix [batch · OutputPixels, PatchSize] (zeros for padding), so that
/// y = patches · W + b with W [PatchSize, Filters] is <see cref="Kernels.Affine"/>, the weight gradient is
/// <see cref="Kernels.WeightGradient"/> and the patches' gradient is <see cref="Kernels.InputGradient"/>;
/// col2im then adds each patch gradient back onto the input pixels it came from.
/// </summary>
/// <remarks>
/// A window row inside the image is WindowWidth · Channels contiguous floats in both the image and the
/// patch row, so both directions move whole runs, clipped at the image's left and right borders. Large
/// calls split the batch across the cores; each sample's output belongs to one chunk and is written in
/// the same order as by <see cref="ConvolutionReference"/>, so results equal the reference bit for bit.
/// </remarks>
public static unsafe partial class Convolution
{
    /// <summary>patches [batch · OutputPixels, PatchSize] = the window of every output pixel of x [batch, InputSize]; overwrites patches.</summary>
    public static void Im2Col(ReadOnlySpan<float> x, Span<float> patches, int batch, in ConvGeometry g)
    {
        Check(x.Length, nameof(x), patches.Length, nameof(patches), batch, g);
        fixed (float* px = x, pp = patches)
        {
            var job = new ConvJob { Source = px, Target = pp, Batch = batch, Geometry = g };
            ConvJob.Run(&Im2ColPart, job, ConvChecks.Parallel(batch, (long)g.OutputPixels * g.PatchSize));
        }
    }

    /// <summary>dx [batch, InputSize] = the sum, over every window that covers an input value, of that value's patch gradient; overwrites dx.</summary>
    public static void Col2Im(ReadOnlySpan<float> dpatches, Span<float> dx, int batch, in ConvGeometry g)
    {
        Check(dx.Length, nameof(dx), dpatches.Length, nameof(dpatches), batch, g);
        fixed (float* pp = dpatches, pdx = dx)
        {
            var job = new ConvJob { Source = pp, Target = pdx, Batch = batch, Geometry = g };
            ConvJob.Run(&Col2ImPart, job, ConvChecks.Parallel(batch, (long)g.OutputPixels * g.PatchSize));
        }
    }

    private static void Im2ColPart(ref KernelArgs a, int chunk, int chunks)
    {
        ref ConvJob job = ref ConvJob.Of(ref a);
        var (first, end) = job.Samples(chunk, chunks);
        for (int n = first; n < end; n++) Im2ColSample(job.Source, job.Target, n, job.Geometry);
    }

    private static void Col2ImPart(ref KernelArgs a, int chunk, int chunks)
    {
        ref ConvJob job = ref ConvJob.Of(ref a);
        var (first, end) = job.Samples(chunk, chunks);
        for (int n = first; n < end; n++) Col2ImSample(job.Source, job.Target, n, job.Geometry);
    }

    private static void Im2ColSample(float* x, float* patches, int n, in ConvGeometry g)
    {
        float* image = x + (long)n * g.InputSize;
        float* row = patches + (long)n * g.OutputPixels * g.PatchSize;
        for (int oy = 0; oy < g.OutputHeight; oy++)
            for (int ox = 0; ox < g.OutputWidth; ox++, row += g.PatchSize)
                CopyWindow(image, oy, ox, row, g);
    }

    /// <summary>Rows [first, first + count) of the batch's patch matrix (rows are samples' output pixels in order) into target [count, PatchSize].</summary>
    internal static void Im2ColRows(float* x, long first, int count, float* target, in ConvGeometry g)
    {
        int n = (int)(first / g.OutputPixels), pixel = (int)(first % g.OutputPixels);
        int oy = pixel / g.OutputWidth, ox = pixel % g.OutputWidth;
        for (int k = 0; k < count; k++, target += g.PatchSize)
        {
            CopyWindow(x + (long)n * g.InputSize, oy, ox, target, g);
            if (++ox < g.OutputWidth) continue;
            ox = 0;
            if (++oy < g.OutputHeight) continue;
            oy = 0;
            n++;
        }
    }

    // The window of output pixel (oy, ox) of one image into a patch row, zeros where it hangs over the border.
    private static void CopyWindow(float* image, int oy, int ox, float* row, in ConvGeometry g)
    {
        int c = g.Channels, runLength = g.WindowWidth * c, top = oy * g.StrideHeight - g.PadTop;
        var (left, before, length) = Clip(ox, g);
        for (int ky = 0; ky < g.WindowHeight; ky++)
        {
            int iy = top + ky;
            float* target = row + ky * runLength;
            if ((uint)iy >= (uint)g.InputHeight || length == 0)
            {
                Runs.Clear(target, runLength);
                continue;
            }
            Runs.Clear(target, before);
            Runs.Copy(image + ((long)iy * g.InputWidth + left) * c + before, target + before, length);
            Runs.Clear(target + before + length, runLength - before - length);
        }
    }

    private static void Col2ImSample(float* dpatches, float* dx, int n, in ConvGeometry g) =>
        Col2ImImage(dpatches + (long)n * g.OutputPixels * g.PatchSize, dx + (long)n * g.InputSize, g);

    // One image's gradient from its patch gradient rows [OutputPixels, PatchSize]; overwrites the image.
    private static void Col2ImImage(float* row, float* image, in ConvGeometry g)
    {
        int c = g.Channels, runLength = g.WindowWidth * c;
        new Span<float>(image, g.InputSize).Clear();
        for (int oy = 0; oy < g.OutputHeight; oy++)
        {
            int top = oy * g.StrideHeight - g.PadTop;
            for (int ox = 0; ox < g.OutputWidth; ox++, row += g.PatchSize)
            {
                var (left, before, length) = Clip(ox, g);
                if (length == 0) continue;
                for (int ky = 0; ky < g.WindowHeight; ky++)
                {
                    int iy = top + ky;
                    if ((uint)iy >= (uint)g.InputHeight) continue;
                    Runs.Add(row + ky * runLength + before, image + ((long)iy * g.InputWidth + left) * c + before, length);
                }
            }
        }
    }

    /// <summary>
    /// Output column <paramref name="ox"/>'s window row clipped to the image: its first column (possibly
    /// negative), then the floats of padding before the part inside the image and that part's length.
    /// </summary>
    private static (int Left, int Before, int Length) Clip(int ox, in ConvGeometry g)
    {
        int left = ox * g.StrideWidth - g.PadLeft;
        int first = Math.Max(0, -left), end = Math.Min(g.WindowWidth, g.InputWidth - left);
        return (left, first * g.Channels, Math.Max(0, end - first) * g.Channels);
    }

    private static void Check(int imageLength, string imageName, int patchLength, string patchName, int batch, in ConvGeometry g)
    {
        ConvChecks.Batch(batch);
        ConvChecks.Geometry(g);
        ConvChecks.Length(imageLength, batch, g.InputSize, imageName, "InputSize");
        ConvChecks.Length(patchLength, batch, (long)g.OutputPixels * g.PatchSize, patchName, "OutputPixels × PatchSize");
    }
}
