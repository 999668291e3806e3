using System.Numerics.Tensors;

namespace ModelGen;

// Average pooling, channels-last: global (one mean per channel of each sample) and windowed.
public static unsafe partial class Pooling
{
    /// <summary>Channels per block of the windowed backward pass's dy/divisor on the stack.</summary>
    private const int AverageBlock = 256;

    /// <summary>
    /// Global average pooling: y[s, c] = (Σ_p x[s, p, c]) / pixels, with x [batchSize, pixels, channels] and y [batchSize, channels];
    /// the sum runs over the pixels in order, in float. Overwrites y.
    /// </summary>
    /// <exception cref="ArgumentException">A span is shorter than its shape.</exception>
    public static void GlobalAveragePool(ReadOnlySpan<float> x, Span<float> y, int batchSize, int pixels, int channels)
    {
        CheckGlobal(x.Length, nameof(x), y.Length, nameof(y), batchSize, pixels, channels);
        int image = pixels * channels;
        for (int s = 0; s < batchSize; s++)
        {
            Span<float> mean = y.Slice(s * channels, channels);
            ColumnSums.Sum(x.Slice(s * image, image), mean, pixels, channels);
            TensorPrimitives.Divide(mean, pixels, mean);
        }
    }

    /// <summary>The backward of <see cref="GlobalAveragePool"/>: dx[s, p, c] = dy[s, c] / pixels for every pixel p; overwrites dx.</summary>
    /// <exception cref="ArgumentException">A span is shorter than its shape.</exception>
    public static void GlobalAveragePoolBackward(ReadOnlySpan<float> dy, Span<float> dx, int batchSize, int pixels, int channels)
    {
        CheckGlobal(dx.Length, nameof(dx), dy.Length, nameof(dy), batchSize, pixels, channels);
        int image = pixels * channels;
        for (int s = 0; s < batchSize; s++)
        {
            Span<float> sample = dx.Slice(s * image, image), first = sample.Slice(0, channels);
            TensorPrimitives.Divide(dy.Slice(s * channels, channels), pixels, first);
            for (int p = 1; p < pixels; p++) first.CopyTo(sample.Slice(p * channels, channels));
        }
    }

    /// <summary>
    /// Average pooling: y[s, oy, ox, c] = (Σ x[s, iy, ix, c] over the window positions inside the image) / divisor, the window
    /// being the geometry's (rows oy·StrideHeight − PadTop + [0, WindowHeight), columns likewise). The divisor is
    /// WindowHeight·WindowWidth when <paramref name="countIncludePad"/> (PyTorch's default count_include_pad=True: padding counts
    /// as zeros), otherwise the number of window positions inside the image (Keras/TensorFlow, PyTorch's count_include_pad=False;
    /// a window wholly in the padding, which only a hand-made geometry has, gives 0). The sum runs in row-major window order,
    /// in float. Overwrites y. Large calls split the batch across the cores, one sample per chunk.
    /// </summary>
    /// <exception cref="ArgumentException">A span is shorter than its shape, or the geometry is malformed.</exception>
    public static void AveragePool(ReadOnlySpan<float> x, Span<float> y, int batchSize, ConvGeometry geometry, bool countIncludePad)
    {
        ConvChecks.Batch(batchSize);
        ConvChecks.Geometry(geometry);
        ConvChecks.Length(x.Length, batchSize, geometry.InputSize, nameof(x), "InputSize");
        ConvChecks.Length(y.Length, batchSize, (long)geometry.OutputPixels * geometry.Channels, nameof(y), "OutputPixels × Channels");
        fixed (float* px = x, py = y)
        {
            var job = new ConvJob { Source = px, Target = py, Batch = batchSize, Geometry = geometry };
            ConvJob.Run(countIncludePad ? &AveragePoolIncludePadPart : &AveragePoolPart, job, ConvChecks.Parallel(batchSize, geometry.InputSize));
        }
    }

    /// <summary>
    /// The backward of <see cref="AveragePool"/>: dx = 0, then each dy[s, oy, ox, c] / divisor is added to every position of its
    /// window inside the image (windows in output order, positions in row-major window order). Overwrites dx.
    /// </summary>
    /// <exception cref="ArgumentException">A span is shorter than its shape, or the geometry is malformed.</exception>
    public static void AveragePoolBackward(ReadOnlySpan<float> dy, Span<float> dx, int batchSize, ConvGeometry geometry, bool countIncludePad)
    {
        ConvChecks.Batch(batchSize);
        ConvChecks.Geometry(geometry);
        ConvChecks.Length(dy.Length, batchSize, (long)geometry.OutputPixels * geometry.Channels, nameof(dy), "OutputPixels × Channels");
        ConvChecks.Length(dx.Length, batchSize, geometry.InputSize, nameof(dx), "InputSize");
        fixed (float* pdy = dy, pdx = dx)
        {
            var job = new ConvJob { Source = pdy, Target = pdx, Batch = batchSize, Geometry = geometry };
            ConvJob.Run(countIncludePad ? &AveragePoolBackwardIncludePadPart : &AveragePoolBackwardPart, job,
                ConvChecks.Parallel(batchSize, geometry.InputSize));
        }
    }

    private static void AveragePoolPart(ref KernelArgs a, int chunk, int chunks) => AveragePoolChunk(ref a, chunk, chunks, false);

    private static void AveragePoolIncludePadPart(ref KernelArgs a, int chunk, int chunks) => AveragePoolChunk(ref a, chunk, chunks, true);

    private static void AveragePoolBackwardPart(ref KernelArgs a, int chunk, int chunks) => AveragePoolBackwardChunk(ref a, chunk, chunks, false);

    private static void AveragePoolBackwardIncludePadPart(ref KernelArgs a, int chunk, int chunks) => AveragePoolBackwardChunk(ref a, chunk, chunks, true);

    private static void AveragePoolChunk(ref KernelArgs a, int chunk, int chunks, bool includePad)
    {
        ref ConvJob job = ref ConvJob.Of(ref a);
        var (first, end) = job.Samples(chunk, chunks);
        ConvGeometry g = job.Geometry;
        int c = g.Channels, outSize = g.OutputPixels * c;
        for (int n = first; n < end; n++)
        {
            float* image = job.Source + (long)n * g.InputSize;
            float* output = job.Target + (long)n * outSize;
            for (int oy = 0; oy < g.OutputHeight; oy++)
            {
                var rows = Clip(oy * g.StrideHeight - g.PadTop, g.WindowHeight, g.InputHeight);
                for (int ox = 0; ox < g.OutputWidth; ox++, output += c)
                {
                    var columns = Clip(ox * g.StrideWidth - g.PadLeft, g.WindowWidth, g.InputWidth);
                    Runs.Clear(output, c);
                    for (int iy = rows.Start; iy < rows.End; iy++)
                        for (int ix = columns.Start; ix < columns.End; ix++)
                            Runs.Add(image + ((long)iy * g.InputWidth + ix) * c, output, c);
                    float divisor = AverageDivisor(rows, columns, g, includePad);
                    var values = new Span<float>(output, c);
                    TensorPrimitives.Divide(values, divisor, values);
                }
            }
        }
    }

    private static void AveragePoolBackwardChunk(ref KernelArgs a, int chunk, int chunks, bool includePad)
    {
        ref ConvJob job = ref ConvJob.Of(ref a);
        var (first, end) = job.Samples(chunk, chunks);
        ConvGeometry g = job.Geometry;
        int c = g.Channels, outSize = g.OutputPixels * c;
        float* share = stackalloc float[AverageBlock];
        for (int n = first; n < end; n++)
        {
            float* image = job.Target + (long)n * g.InputSize;
            float* dy = job.Source + (long)n * outSize;
            new Span<float>(image, g.InputSize).Clear();
            for (int oy = 0; oy < g.OutputHeight; oy++)
            {
                var rows = Clip(oy * g.StrideHeight - g.PadTop, g.WindowHeight, g.InputHeight);
                for (int ox = 0; ox < g.OutputWidth; ox++, dy += c)
                {
                    var columns = Clip(ox * g.StrideWidth - g.PadLeft, g.WindowWidth, g.InputWidth);
                    if (rows.Start >= rows.End || columns.Start >= columns.End) continue;
                    float divisor = AverageDivisor(rows, columns, g, includePad);
                    for (int k = 0; k < c; k += AverageBlock)
                    {
                        int count = Math.Min(AverageBlock, c - k);
                        TensorPrimitives.Divide(new ReadOnlySpan<float>(dy + k, count), divisor, new Span<float>(share, count));
                        for (int iy = rows.Start; iy < rows.End; iy++)
                            for (int ix = columns.Start; ix < columns.End; ix++)
                                Runs.Add(share, image + ((long)iy * g.InputWidth + ix) * c + k, count);
                    }
                }
            }
        }
    }

    /// <summary>WindowHeight·WindowWidth with padding counted, else the window's positions inside the image (at least 1).</summary>
    private static float AverageDivisor((int Start, int End) rows, (int Start, int End) columns, in ConvGeometry g, bool includePad) =>
        includePad ? g.WindowHeight * g.WindowWidth
        : Math.Max(1, Math.Max(0, rows.End - rows.Start) * Math.Max(0, columns.End - columns.Start));

    private static void CheckGlobal(int imageLength, string imageName, int meanLength, string meanName, int batchSize, int pixels, int channels)
    {
        ShapeChecks.AtLeast(batchSize, 0, nameof(batchSize));
        ShapeChecks.AtLeast(pixels, 1, nameof(pixels));
        ShapeChecks.AtLeast(channels, 1, nameof(channels));
        ShapeChecks.Length(imageLength, (long)batchSize * pixels * channels, imageName, "batchSize × pixels × channels");
        ShapeChecks.Length(meanLength, (long)batchSize * channels, meanName, "batchSize × channels");
    }
}
