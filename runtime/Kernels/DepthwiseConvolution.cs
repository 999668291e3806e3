using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace ModelGen;

/// <summary>
/// Depthwise 2-D convolution, channels-last: every input channel c has its own <c>depthMultiplier</c> (M) filters, and
/// output channel c·M + m sees input channel c alone (PyTorch's Conv2d(C, C·M, groups=C), Keras' DepthwiseConv2D).
/// Weights are [WindowHeight, WindowWidth, C, M] (Keras' depthwise kernel layout), so one window position's weights
/// [C·M] line up with an output pixel's channels.
/// </summary>
/// <remarks>
/// No patch matrix: each output pixel starts from the biases and adds, for each window position inside the image in
/// row-major window order, x[pixel]·w[position] channel-wise (a vector multiply-add over the channels when M = 1, over
/// each channel's M filters otherwise). Multi-core work is cut so that every output value belongs to one chunk and is
/// summed in an order fixed by the shapes: the forward pass and dx by sample, the weight gradient by window position
/// (each position's [C·M] gradients sum over samples and output pixels in order), the bias gradient on one thread
/// (<see cref="ColumnSums"/>). Results are bit-identical at any thread count.
/// </remarks>
public static unsafe class DepthwiseConvolution
{
    private struct Job
    {
        public float* X, W, B, Y, Dz, Dw, Dx;
        public int Batch, Multiplier;
        public ConvGeometry Geometry;

        public static ref Job Of(ref KernelArgs args) => ref *(Job*)args.A;

        public static void Run(delegate*<ref KernelArgs, int, int, void> body, Job job, bool parallel)
        {
            var args = new KernelArgs { A = (float*)&job };
            WorkerPool.Run(body, ref args, parallel);
        }
    }

    /// <summary>
    /// y[s, oy, ox, c·M + m] = b[c·M + m] + Σ_(ky, kx) x[s, iy, ix, c]·w[ky, kx, c, m] over the window positions inside the image
    /// (iy = oy·StrideHeight − PadTop + ky, ix = ox·StrideWidth − PadLeft + kx; padding counts as zeros), with x [batch, H, W, C]
    /// (geometry.Channels = C), w [WindowHeight, WindowWidth, C, M], b [C·M] (all zeros for no bias) and y [batch, OH, OW, C·M].
    /// No activation. Overwrites y.
    /// </summary>
    /// <exception cref="ArgumentException">A span is shorter than its shape, or the geometry is malformed.</exception>
    public static void Forward(ReadOnlySpan<float> x, ReadOnlySpan<float> weights, ReadOnlySpan<float> biases, Span<float> y,
        int batchSize, ConvGeometry geometry, int depthMultiplier)
    {
        Check(batchSize, geometry, depthMultiplier, x.Length, nameof(x), y.Length, nameof(y), weights.Length, nameof(weights),
            biases.Length, nameof(biases));
        fixed (float* px = x, pw = weights, pb = biases, py = y)
        {
            var job = new Job { X = px, W = pw, B = pb, Y = py, Batch = batchSize, Multiplier = depthMultiplier, Geometry = geometry };
            Job.Run(&ForwardPart, job, ConvChecks.Parallel(batchSize, Work(geometry, depthMultiplier)));
        }
    }

    /// <summary>
    /// The backward pass, given dz [batch, OH, OW, C·M] (the gradient after the activation's backward):
    /// weightGradient[ky, kx, c, m] = Σ_(s, oy, ox) x[s, iy, ix, c]·dz[s, oy, ox, c·M + m] over the pixels whose window position
    /// (ky, kx) is inside the image; biasGradient[c·M + m] = Σ_(s, oy, ox) dz[s, oy, ox, c·M + m]; and, when dx is not empty,
    /// dx[s, iy, ix, c] = Σ over the windows covering (iy, ix) of Σ_m dz[s, oy, ox, c·M + m]·w[ky, kx, c, m].
    /// Overwrites weightGradient, biasGradient and dx.
    /// </summary>
    /// <exception cref="ArgumentException">A span is shorter than its shape, or the geometry is malformed.</exception>
    public static void Backward(ReadOnlySpan<float> x, ReadOnlySpan<float> dz, ReadOnlySpan<float> weights,
        Span<float> weightGradient, Span<float> biasGradient, Span<float> dx, int batchSize, ConvGeometry geometry, int depthMultiplier)
    {
        Check(batchSize, geometry, depthMultiplier, x.Length, nameof(x), dz.Length, nameof(dz), weights.Length, nameof(weights),
            biasGradient.Length, nameof(biasGradient));
        long outputs = (long)geometry.Channels * depthMultiplier;
        ShapeChecks.Length(weightGradient.Length, geometry.WindowHeight * geometry.WindowWidth * outputs, nameof(weightGradient),
            "WindowHeight × WindowWidth × Channels × depthMultiplier");
        if (!dx.IsEmpty) ConvChecks.Length(dx.Length, batchSize, geometry.InputSize, nameof(dx), "InputSize");

        int columns = (int)outputs;
        ColumnSums.Sum(dz, biasGradient, batchSize * geometry.OutputPixels, columns);
        bool parallel = ConvChecks.Parallel(batchSize, Work(geometry, depthMultiplier));
        fixed (float* px = x, pdz = dz, pw = weights, pdw = weightGradient, pdx = dx)
        {
            var job = new Job { X = px, Dz = pdz, W = pw, Dw = pdw, Dx = pdx, Batch = batchSize, Multiplier = depthMultiplier, Geometry = geometry };
            Job.Run(&WeightGradientPart, job, parallel);
            if (pdx != null) Job.Run(&InputGradientPart, job, parallel);
        }
    }

    /// <summary>Multiply-adds per sample, the measure of a call's work for the parallel threshold.</summary>
    private static long Work(in ConvGeometry g, int m) => (long)g.OutputPixels * g.WindowHeight * g.WindowWidth * g.Channels * m;

    // ---- Chunks: dispatched once to the machine's vector width. ----

    private static void ForwardPart(ref KernelArgs a, int chunk, int chunks)
    {
        ref Job job = ref Job.Of(ref a);
        var (first, end) = WorkerPool.Range(job.Batch, chunk, chunks);
        for (int n = first; n < end; n++)
        {
            if (Vector512.IsHardwareAccelerated) ForwardSample<Ops512, Vector512<float>>(ref job, n);
            else if (Vector256.IsHardwareAccelerated) ForwardSample<Ops256, Vector256<float>>(ref job, n);
            else if (Vector128.IsHardwareAccelerated) ForwardSample<Ops128, Vector128<float>>(ref job, n);
            else ForwardSample<OpsScalar, float>(ref job, n);
        }
    }

    private static void InputGradientPart(ref KernelArgs a, int chunk, int chunks)
    {
        ref Job job = ref Job.Of(ref a);
        var (first, end) = WorkerPool.Range(job.Batch, chunk, chunks);
        for (int n = first; n < end; n++)
        {
            if (Vector512.IsHardwareAccelerated) InputGradientSample<Ops512, Vector512<float>>(ref job, n);
            else if (Vector256.IsHardwareAccelerated) InputGradientSample<Ops256, Vector256<float>>(ref job, n);
            else if (Vector128.IsHardwareAccelerated) InputGradientSample<Ops128, Vector128<float>>(ref job, n);
            else InputGradientSample<OpsScalar, float>(ref job, n);
        }
    }

    // Chunks own window positions: each position's C·M gradients are summed by one chunk, over samples and pixels in order.
    private static void WeightGradientPart(ref KernelArgs a, int chunk, int chunks)
    {
        ref Job job = ref Job.Of(ref a);
        var (first, end) = WorkerPool.Range(job.Geometry.WindowHeight * job.Geometry.WindowWidth, chunk, chunks);
        for (int p = first; p < end; p++)
        {
            if (Vector512.IsHardwareAccelerated) WeightGradientPosition<Ops512, Vector512<float>>(ref job, p);
            else if (Vector256.IsHardwareAccelerated) WeightGradientPosition<Ops256, Vector256<float>>(ref job, p);
            else if (Vector128.IsHardwareAccelerated) WeightGradientPosition<Ops128, Vector128<float>>(ref job, p);
            else WeightGradientPosition<OpsScalar, float>(ref job, p);
        }
    }

    private static void ForwardSample<TOps, TVec>(ref Job job, int n) where TOps : struct, IVectorOps<TVec> where TVec : struct
    {
        ConvGeometry g = job.Geometry;
        int c = g.Channels, m = job.Multiplier, outputs = c * m;
        float* image = job.X + (long)n * g.InputSize;
        float* output = job.Y + (long)n * g.OutputPixels * outputs;
        for (int oy = 0; oy < g.OutputHeight; oy++)
        {
            int top = oy * g.StrideHeight - g.PadTop;
            int rowStart = Math.Max(top, 0), rowEnd = Math.Min(top + g.WindowHeight, g.InputHeight);
            for (int ox = 0; ox < g.OutputWidth; ox++, output += outputs)
            {
                int left = ox * g.StrideWidth - g.PadLeft;
                int columnStart = Math.Max(left, 0), columnEnd = Math.Min(left + g.WindowWidth, g.InputWidth);
                Runs.Copy(job.B, output, outputs);
                for (int iy = rowStart; iy < rowEnd; iy++)
                    for (int ix = columnStart; ix < columnEnd; ix++)
                    {
                        float* pixel = image + ((long)iy * g.InputWidth + ix) * c;
                        float* w = job.W + ((long)(iy - top) * g.WindowWidth + (ix - left)) * outputs;
                        if (m == 1) MultiplyAdd<TOps, TVec>(pixel, w, output, c);
                        else for (int k = 0; k < c; k++) ScaleAdd<TOps, TVec>(pixel[k], w + k * m, output + k * m, m);
                    }
            }
        }
    }

    private static void WeightGradientPosition<TOps, TVec>(ref Job job, int position) where TOps : struct, IVectorOps<TVec> where TVec : struct
    {
        ConvGeometry g = job.Geometry;
        int c = g.Channels, m = job.Multiplier, outputs = c * m;
        int ky = position / g.WindowWidth, kx = position % g.WindowWidth;
        float* dw = job.Dw + (long)position * outputs;
        new Span<float>(dw, outputs).Clear();
        for (int n = 0; n < job.Batch; n++)
        {
            float* image = job.X + (long)n * g.InputSize;
            float* dz = job.Dz + (long)n * g.OutputPixels * outputs;
            for (int oy = 0; oy < g.OutputHeight; oy++)
            {
                int iy = oy * g.StrideHeight - g.PadTop + ky;
                if ((uint)iy >= (uint)g.InputHeight) continue;
                for (int ox = 0; ox < g.OutputWidth; ox++)
                {
                    int ix = ox * g.StrideWidth - g.PadLeft + kx;
                    if ((uint)ix >= (uint)g.InputWidth) continue;
                    float* pixel = image + ((long)iy * g.InputWidth + ix) * c;
                    float* d = dz + ((long)oy * g.OutputWidth + ox) * outputs;
                    if (m == 1) MultiplyAdd<TOps, TVec>(pixel, d, dw, c);
                    else for (int k = 0; k < c; k++) ScaleAdd<TOps, TVec>(pixel[k], d + k * m, dw + k * m, m);
                }
            }
        }
    }

    private static void InputGradientSample<TOps, TVec>(ref Job job, int n) where TOps : struct, IVectorOps<TVec> where TVec : struct
    {
        ConvGeometry g = job.Geometry;
        int c = g.Channels, m = job.Multiplier, outputs = c * m;
        float* image = job.Dx + (long)n * g.InputSize;
        float* dz = job.Dz + (long)n * g.OutputPixels * outputs;
        new Span<float>(image, g.InputSize).Clear();
        for (int oy = 0; oy < g.OutputHeight; oy++)
        {
            int top = oy * g.StrideHeight - g.PadTop;
            int rowStart = Math.Max(top, 0), rowEnd = Math.Min(top + g.WindowHeight, g.InputHeight);
            for (int ox = 0; ox < g.OutputWidth; ox++, dz += outputs)
            {
                int left = ox * g.StrideWidth - g.PadLeft;
                int columnStart = Math.Max(left, 0), columnEnd = Math.Min(left + g.WindowWidth, g.InputWidth);
                for (int iy = rowStart; iy < rowEnd; iy++)
                    for (int ix = columnStart; ix < columnEnd; ix++)
                    {
                        float* pixel = image + ((long)iy * g.InputWidth + ix) * c;
                        float* w = job.W + ((long)(iy - top) * g.WindowWidth + (ix - left)) * outputs;
                        if (m == 1) MultiplyAdd<TOps, TVec>(dz, w, pixel, c);
                        else
                            for (int k = 0; k < c; k++)
                            {
                                float sum = pixel[k];
                                for (int j = 0; j < m; j++) sum = OpsScalar.MultiplyAdd(dz[k * m + j], w[k * m + j], sum);
                                pixel[k] = sum;
                            }
                    }
            }
        }
    }

    /// <summary>acc[i] = a[i]·b[i] + acc[i] for i &lt; n.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void MultiplyAdd<TOps, TVec>(float* a, float* b, float* acc, int n) where TOps : struct, IVectorOps<TVec> where TVec : struct
    {
        int i = 0, lanes = TOps.Count;
        for (; i <= n - lanes; i += lanes) TOps.Store(TOps.MultiplyAdd(TOps.Load(a + i), TOps.Load(b + i), TOps.Load(acc + i)), acc + i);
        for (; i < n; i++) acc[i] = OpsScalar.MultiplyAdd(a[i], b[i], acc[i]);
    }

    /// <summary>acc[i] = s·b[i] + acc[i] for i &lt; n.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void ScaleAdd<TOps, TVec>(float s, float* b, float* acc, int n) where TOps : struct, IVectorOps<TVec> where TVec : struct
    {
        int i = 0, lanes = TOps.Count;
        TVec vs = TOps.Broadcast(s);
        for (; i <= n - lanes; i += lanes) TOps.Store(TOps.MultiplyAdd(vs, TOps.Load(b + i), TOps.Load(acc + i)), acc + i);
        for (; i < n; i++) acc[i] = OpsScalar.MultiplyAdd(s, b[i], acc[i]);
    }

    private static void Check(int batch, in ConvGeometry g, int depthMultiplier, int imageLength, string imageName, int outputLength, string outputName,
        int weightsLength, string weightsName, int biasLength, string biasName)
    {
        ConvChecks.Batch(batch);
        ConvChecks.Geometry(g);
        ShapeChecks.AtLeast(depthMultiplier, 1, nameof(depthMultiplier));
        long outputs = (long)g.Channels * depthMultiplier;
        if ((long)g.WindowHeight * g.WindowWidth * outputs > int.MaxValue || g.OutputPixels * outputs > int.MaxValue)
            throw new ArgumentException($"The geometry is too large for a depth multiplier of {depthMultiplier}: {g}.", nameof(depthMultiplier));
        ConvChecks.Length(imageLength, batch, g.InputSize, imageName, "InputSize");
        ConvChecks.Length(outputLength, batch, g.OutputPixels * outputs, outputName, "OutputPixels × Channels × depthMultiplier");
        ShapeChecks.Length(weightsLength, g.WindowHeight * g.WindowWidth * outputs, weightsName, "WindowHeight × WindowWidth × Channels × depthMultiplier");
        ShapeChecks.Length(biasLength, outputs, biasName, "Channels × depthMultiplier");
    }
}
