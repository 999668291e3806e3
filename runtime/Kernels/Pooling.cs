using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace ModelGen;

/// <summary>2-D max pooling, channels-last, forward and backward.</summary>
/// <remarks>
/// Channels-last puts a pixel's channels side by side, so the forward pass compares whole vectors of
/// channels: each lane keeps its best value and that value's position, replaced only by a strictly
/// greater value, which keeps the first maximum in row-major window order as <see cref="PoolingReference"/>
/// does. Windows are clipped to the image first, so padding never takes part. Large calls split the batch
/// across the cores; each sample belongs to one chunk, so results are the same on any number of threads.
/// </remarks>
public static unsafe partial class Pooling
{
    /// <summary>
    /// y [batch, OutputPixels · Channels] = the largest value of each window, channel by channel; positions
    /// gets, for each output value, the index within its sample's input [InputSize] of that maximum (the first
    /// one in row-major window order on ties). Padded positions never win. Overwrites y and positions.
    /// </summary>
    public static void MaxPool(ReadOnlySpan<float> x, Span<float> y, Span<int> positions, int batch, in ConvGeometry g)
    {
        ConvChecks.Batch(batch);
        ConvChecks.Geometry(g);
        long outSize = (long)g.OutputPixels * g.Channels;
        ConvChecks.Length(x.Length, batch, g.InputSize, nameof(x), "InputSize");
        ConvChecks.Length(y.Length, batch, outSize, nameof(y), "OutputPixels × Channels");
        ConvChecks.Length(positions.Length, batch, outSize, nameof(positions), "OutputPixels × Channels");
        fixed (float* px = x, py = y)
        fixed (int* pp = positions)
        {
            var job = new ConvJob { Source = px, Target = py, Positions = pp, Batch = batch, Geometry = g };
            ConvJob.Run(&MaxPoolPart, job, ConvChecks.Parallel(batch, g.InputSize));
        }
    }

    /// <summary>dx [batch, InputSize] = each dy value added at its maximum's position, zero elsewhere; overwrites dx.</summary>
    /// <exception cref="ArgumentException">A position is outside its sample's input.</exception>
    public static void MaxPoolBackward(ReadOnlySpan<float> dy, ReadOnlySpan<int> positions, Span<float> dx, int batch, in ConvGeometry g)
    {
        ConvChecks.Batch(batch);
        ConvChecks.Geometry(g);
        long outSize = (long)g.OutputPixels * g.Channels;
        ConvChecks.Length(dy.Length, batch, outSize, nameof(dy), "OutputPixels × Channels");
        ConvChecks.Length(positions.Length, batch, outSize, nameof(positions), "OutputPixels × Channels");
        ConvChecks.Length(dx.Length, batch, g.InputSize, nameof(dx), "InputSize");
        fixed (float* pdy = dy, pdx = dx)
        fixed (int* pp = positions)
        {
            var job = new ConvJob { Source = pdy, Target = pdx, Positions = pp, Batch = batch, Geometry = g };
            ConvJob.Run(&MaxPoolBackwardPart, job, ConvChecks.Parallel(batch, g.InputSize));
        }
    }

    private static void MaxPoolPart(ref KernelArgs a, int chunk, int chunks)
    {
        ref ConvJob job = ref ConvJob.Of(ref a);
        var (first, end) = job.Samples(chunk, chunks);
        for (int n = first; n < end; n++) MaxPoolSample(job.Source, job.Target, job.Positions, n, job.Geometry);
    }

    private static void MaxPoolBackwardPart(ref KernelArgs a, int chunk, int chunks)
    {
        ref ConvJob job = ref ConvJob.Of(ref a);
        var (first, end) = job.Samples(chunk, chunks);
        ref readonly ConvGeometry g = ref job.Geometry;
        int outSize = g.OutputPixels * g.Channels, inSize = g.InputSize;
        for (int n = first; n < end; n++)
        {
            float* image = job.Target + (long)n * inSize;
            float* dy = job.Source + (long)n * outSize;
            int* positions = job.Positions + (long)n * outSize;
            new Span<float>(image, inSize).Clear();
            // A scatter: windows overlap when the stride is smaller than the window, so values add up,
            // in the reference's order.
            for (int o = 0; o < outSize; o++)
            {
                int p = positions[o];
                if ((uint)p >= (uint)inSize) ThrowBadPosition(n, o, p, inSize);
                image[p] += dy[o];
            }
        }
    }

    private static void MaxPoolSample(float* x, float* y, int* positions, int n, in ConvGeometry g)
    {
        int c = g.Channels;
        float* image = x + (long)n * g.InputSize;
        long outStart = (long)n * g.OutputPixels * c;
        float* output = y + outStart;
        int* where = positions + outStart;
        for (int oy = 0; oy < g.OutputHeight; oy++)
        {
            var rows = Clip(oy * g.StrideHeight - g.PadTop, g.WindowHeight, g.InputHeight);
            for (int ox = 0; ox < g.OutputWidth; ox++, output += c, where += c)
            {
                var columns = Clip(ox * g.StrideWidth - g.PadLeft, g.WindowWidth, g.InputWidth);
                if (rows.Start >= rows.End || columns.Start >= columns.End)
                {
                    // A window wholly in the padding (only hand-made geometries have one): as the reference.
                    new Span<float>(output, c).Fill(float.NegativeInfinity);
                    new Span<int>(where, c).Fill(-1);
                    continue;
                }
                var window = new Window(rows.Start, rows.End, columns.Start, columns.End, g.InputWidth, c);
                int k = 0;
                if (Vector256.IsHardwareAccelerated && c >= 8)
                {
                    // Blocks of 8 channels; the last block ends at the last channel and may redo a few, identically.
                    for (; k < c - 8; k += 8) Max256(image, window, k, output, where);
                    Max256(image, window, c - 8, output, where);
                    k = c;
                }
                else if (Vector128.IsHardwareAccelerated && c >= 4)
                {
                    for (; k < c - 4; k += 4) Max128(image, window, k, output, where);
                    Max128(image, window, c - 4, output, where);
                    k = c;
                }
                for (; k < c; k++) MaxScalar(image, window, k, output, where);
            }
        }
    }

    /// <summary>A window clipped to the image: rows and columns [start, end) in image coordinates.</summary>
    private readonly record struct Window(int Top, int Bottom, int Left, int Right, int InputWidth, int Channels)
    {
        public int Index(int iy, int ix, int k) => (iy * InputWidth + ix) * Channels + k;
    }

    /// <summary>The image rows (or columns) [Start, End) that a window starting at <paramref name="start"/> covers.</summary>
    private static (int Start, int End) Clip(int start, int window, int size) =>
        (Math.Max(start, 0), Math.Min(start + window, size));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Max256(float* image, in Window w, int k, float* output, int* where)
    {
        // The window's first pixel starts every lane; comparing it with itself again below changes nothing.
        int start = w.Index(w.Top, w.Left, k);
        Vector256<float> best = Vector256.Load(image + start);
        Vector256<int> lanes = Vector256.Create(0, 1, 2, 3, 4, 5, 6, 7);
        Vector256<int> at = Vector256.Create(start) + lanes;
        for (int iy = w.Top; iy < w.Bottom; iy++)
            for (int ix = w.Left; ix < w.Right; ix++)
            {
                int index = w.Index(iy, ix, k);
                Vector256<float> v = Vector256.Load(image + index);
                Vector256<float> greater = Vector256.GreaterThan(v, best);
                best = Vector256.ConditionalSelect(greater, v, best);
                at = Vector256.ConditionalSelect(greater.AsInt32(), Vector256.Create(index) + lanes, at);
            }
        best.Store(output + k);
        at.Store(where + k);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Max128(float* image, in Window w, int k, float* output, int* where)
    {
        int start = w.Index(w.Top, w.Left, k);
        Vector128<float> best = Vector128.Load(image + start);
        Vector128<int> lanes = Vector128.Create(0, 1, 2, 3);
        Vector128<int> at = Vector128.Create(start) + lanes;
        for (int iy = w.Top; iy < w.Bottom; iy++)
            for (int ix = w.Left; ix < w.Right; ix++)
            {
                int index = w.Index(iy, ix, k);
                Vector128<float> v = Vector128.Load(image + index);
                Vector128<float> greater = Vector128.GreaterThan(v, best);
                best = Vector128.ConditionalSelect(greater, v, best);
                at = Vector128.ConditionalSelect(greater.AsInt32(), Vector128.Create(index) + lanes, at);
            }
        best.Store(output + k);
        at.Store(where + k);
    }

    private static void MaxScalar(float* image, in Window w, int k, float* output, int* where)
    {
        int at = w.Index(w.Top, w.Left, k);
        float best = image[at];
        for (int iy = w.Top; iy < w.Bottom; iy++)
            for (int ix = w.Left; ix < w.Right; ix++)
            {
                int index = w.Index(iy, ix, k);
                if (image[index] > best)
                {
                    best = image[index];
                    at = index;
                }
            }
        output[k] = best;
        where[k] = at;
    }

    [System.Diagnostics.CodeAnalysis.SuppressMessage("Usage", "CA2208", Justification = "Names the caller's argument that held the position.")]
    private static void ThrowBadPosition(int sample, int output, int position, int inputSize) =>
        throw new ArgumentException(
            $"positions[{output}] of sample {sample} is {position}, outside the sample's input [0, {inputSize}).", "positions");
}
