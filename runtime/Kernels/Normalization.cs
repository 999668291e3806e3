using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace ModelGen;

/// <summary>
/// Batch normalization over <c>rows</c> rows of <c>channels</c> values (channels-last: rows = batch · pixels),
/// with PyTorch's semantics: biased batch variance for normalizing, unbiased for the running variance, and
/// <c>momentum</c> the weight of the new batch (PyTorch's, 0.1 by default; Keras' momentum is 1 − this).
/// </summary>
/// <remarks>
/// The per-channel statistics and gradient sums are accumulated in double, row after row, in a caller-provided
/// scratch span (mean first, then the squared deviations from it: two passes, no cancellation), so they match
/// PyTorch's (which also accumulates floats in double on the CPU) to about 1e-7. The element-wise passes run in
/// float at the machine's vector width (<see cref="IVectorOps{TVec}"/>), one row at a time. The sums run on one
/// core, each channel's in row order, with the channels across the lanes of double vectors and a block of channels per
/// sweep of the rows (<see cref="ChannelSums"/>: the same additions as one channel at a time); the element-wise passes split their rows across the cores, each
/// row in one chunk, so every result is independent of the thread count.
/// After the sums are used, the scratch is reused as floats for the per-channel coefficients of the row pass.
/// </remarks>
public static unsafe class Normalization
{
    /// <summary>Channels per block of the inference pass's per-channel 1/σ on the stack when the caller keeps none.</summary>
    private const int StackChannels = 256;

    /// <summary>
    /// Training mode. For each channel c over the rows r: mean_c = Σ_r x[r,c] / rows, var_c = Σ_r (x[r,c] − mean_c)² / rows
    /// (biased), invStd_c = 1/√(var_c + ε); xhat[r,c] = (x[r,c] − mean_c)·invStd_c, y[r,c] = gamma_c·xhat[r,c] + beta_c.
    /// Saves xhat [rows, channels] and batchInvStd[c] = invStd_c for the backward pass, and updates the running statistics
    /// as PyTorch does: runningMean ← (1 − momentum)·runningMean + momentum·mean, runningVariance ← (1 − momentum)·runningVariance
    /// + momentum·var·rows/(rows − 1). <paramref name="sums"/> is scratch of at least 2·channels doubles.
    /// With <paramref name="residual"/> [rows, channels] (not empty) y gets + residual, and with <paramref name="relu"/> then max(·, 0),
    /// in the same pass: the same bits as an [Add] and a ReLU after it (y then holds the ReLU's output, not the normalisation's).
    /// </summary>
    /// <exception cref="InvalidOperationException">rows &lt; 2: the variance of one value per channel is not defined (PyTorch refuses it too).</exception>
    /// <exception cref="ArgumentException">A span is shorter than its shape.</exception>
    public static void BatchNormTraining(ReadOnlySpan<float> x, Span<float> xhat, Span<float> y,
        ReadOnlySpan<float> gamma, ReadOnlySpan<float> beta, Span<float> batchInvStd,
        Span<float> runningMean, Span<float> runningVariance, float momentum, float epsilon,
        Span<double> sums, int rows, int channels, ReadOnlySpan<float> residual = default, bool relu = false)
    {
        ShapeChecks.AtLeast(rows, 0, nameof(rows));
        ShapeChecks.AtLeast(channels, 1, nameof(channels));
        long size = (long)rows * channels;
        ShapeChecks.Length(x.Length, size, nameof(x), "rows × channels");
        ShapeChecks.Length(xhat.Length, size, nameof(xhat), "rows × channels");
        ShapeChecks.Length(y.Length, size, nameof(y), "rows × channels");
        CheckChannels(gamma.Length, beta.Length, batchInvStd.Length, channels, nameof(batchInvStd));
        ShapeChecks.Length(runningMean.Length, channels, nameof(runningMean), "channels");
        ShapeChecks.Length(runningVariance.Length, channels, nameof(runningVariance), "channels");
        ShapeChecks.Length(sums.Length, 2L * channels, nameof(sums), "2 × channels");
        ShapeChecks.EmptyOrLength(residual.Length, size, nameof(residual), "rows × channels");
        if (rows < 2)
            throw new InvalidOperationException(
                $"BatchNormalization needs more than one value per channel in training (got {rows} row{(rows == 1 ? "" : "s")} of {channels} channels).");

        Span<double> mean = sums.Slice(0, channels), deviation = sums.Slice(channels, channels);
        mean.Clear();
        deviation.Clear();
        fixed (float* px = x)
        fixed (double* pm = mean, pd = deviation)
        {
            ChannelSums.Add(px, pm, rows, channels);
            for (int c = 0; c < channels; c++) mean[c] /= rows;
            ChannelSums.AddSquaredDeviations(px, pm, pd, rows, channels);
        }
        double keep = 1.0 - momentum, unbiased = (double)rows / (rows - 1);
        for (int c = 0; c < channels; c++)
        {
            double variance = deviation[c] / rows;
            batchInvStd[c] = (float)(1.0 / Math.Sqrt(variance + epsilon));
            runningMean[c] = (float)(keep * runningMean[c] + momentum * mean[c]);
            runningVariance[c] = (float)(keep * runningVariance[c] + momentum * variance * unbiased);
        }
        // The variance sums are used up: their doubles' memory holds each mean as two floats for the row pass, the
        // float nearest to it and the rest, so that x − mean keeps its precision when x is close to the mean.
        Span<float> meanHigh = MemoryMarshal.Cast<double, float>(deviation).Slice(0, channels);
        Span<float> meanLow = MemoryMarshal.Cast<double, float>(deviation).Slice(channels, channels);
        for (int c = 0; c < channels; c++)
        {
            meanHigh[c] = (float)mean[c];
            meanLow[c] = (float)(mean[c] - meanHigh[c]);
        }
        fixed (float* px = x, pxh = xhat, py = y, pg = gamma, pb = beta, pm = meanHigh, pl = meanLow, pi = batchInvStd, pr = residual)
        {
            var job = new RowJob { X = px, Mean = pm, MeanLow = pl, InvStd = pi, Gamma = pg, Beta = pb, Xhat = pxh, Y = py, Residual = pr, Relu = relu, Rows = rows, Channels = channels };
            var args = new KernelArgs { A = (float*)&job };
            WorkerPool.Run(&NormalizePart, ref args, ParallelRows(rows, channels));
        }
    }

    /// <summary>
    /// Inference mode: y[r,c] = gamma_c·(x[r,c] − runningMean_c)/√(runningVariance_c + ε) + beta_c. When <paramref name="xhat"/>
    /// is not empty it also gets (x − runningMean)/√(runningVariance + ε), and <paramref name="batchInvStd"/>, when not empty,
    /// 1/√(runningVariance + ε), so that <see cref="BatchNormInferenceBackward"/> can follow. <paramref name="residual"/> and
    /// <paramref name="relu"/> as in <see cref="BatchNormTraining"/>. x and y may be the same span (not just overlap).
    /// </summary>
    /// <exception cref="ArgumentException">A span is shorter than its shape.</exception>
    public static void BatchNormInference(ReadOnlySpan<float> x, Span<float> xhat, Span<float> y,
        ReadOnlySpan<float> gamma, ReadOnlySpan<float> beta, Span<float> batchInvStd,
        ReadOnlySpan<float> runningMean, ReadOnlySpan<float> runningVariance, float epsilon, int rows, int channels,
        ReadOnlySpan<float> residual = default, bool relu = false)
    {
        ShapeChecks.AtLeast(rows, 0, nameof(rows));
        ShapeChecks.AtLeast(channels, 1, nameof(channels));
        long size = (long)rows * channels;
        ShapeChecks.Length(x.Length, size, nameof(x), "rows × channels");
        ShapeChecks.EmptyOrLength(xhat.Length, size, nameof(xhat), "rows × channels");
        ShapeChecks.Length(y.Length, size, nameof(y), "rows × channels");
        ShapeChecks.Length(gamma.Length, channels, nameof(gamma), "channels");
        ShapeChecks.Length(beta.Length, channels, nameof(beta), "channels");
        ShapeChecks.EmptyOrLength(batchInvStd.Length, channels, nameof(batchInvStd), "channels");
        ShapeChecks.Length(runningMean.Length, channels, nameof(runningMean), "channels");
        ShapeChecks.Length(runningVariance.Length, channels, nameof(runningVariance), "channels");
        ShapeChecks.EmptyOrLength(residual.Length, size, nameof(residual), "rows × channels");

        float* blockInvStd = stackalloc float[StackChannels];
        fixed (float* px = x, pxh = xhat, py = y, pg = gamma, pb = beta, pis = batchInvStd, pm = runningMean, pv = runningVariance, pr = residual)
        {
            // Blocks of channels, so the per-channel 1/σ fits on the stack when the caller keeps none.
            for (int first = 0; first < channels; first += StackChannels)
            {
                int count = Math.Min(StackChannels, channels - first);
                float* inv = pis != null ? pis + first : blockInvStd;
                InverseDeviations(pv + first, epsilon, inv, count);
                NormalizeRows(px + first, pm + first, null, inv, pg + first, pb + first, pxh == null ? null : pxh + first, py + first,
                    pr == null ? null : pr + first, relu, rows, count, channels);
            }
        }
    }

    /// <summary>inv[c] = 1/√(variance[c] + ε), in double, as the inference pass uses it.</summary>
    internal static void InverseDeviations(float* variance, float epsilon, float* inv, int count)
    {
        for (int c = 0; c < count; c++) inv[c] = (float)(1.0 / Math.Sqrt((double)variance[c] + epsilon));
    }

    /// <summary>
    /// Backward of <see cref="BatchNormTraining"/>: per channel, dgamma_c = Σ_r dy[r,c]·xhat[r,c] and dbeta_c = Σ_r dy[r,c]
    /// (overwriting <paramref name="gammaGradient"/> and <paramref name="betaGradient"/>), and when <paramref name="dx"/> is not
    /// empty, dx[r,c] = gamma_c·invStd_c/rows · (rows·dy[r,c] − dbeta_c − xhat[r,c]·dgamma_c) (overwriting it): the gradient
    /// through the batch mean and variance. <paramref name="sums"/> is scratch of at least 2·channels doubles.
    /// </summary>
    /// <exception cref="ArgumentException">A span is shorter than its shape.</exception>
    public static void BatchNormTrainingBackward(ReadOnlySpan<float> xhat, ReadOnlySpan<float> dy, ReadOnlySpan<float> gamma,
        ReadOnlySpan<float> batchInvStd, Span<float> gammaGradient, Span<float> betaGradient, Span<float> dx,
        Span<double> sums, int rows, int channels) =>
        Backward(xhat, dy, gamma, batchInvStd, gammaGradient, betaGradient, dx, sums, rows, channels, training: true);

    /// <summary>
    /// Backward of <see cref="BatchNormInference"/>, whose statistics are constants: dgamma_c = Σ_r dy[r,c]·xhat[r,c],
    /// dbeta_c = Σ_r dy[r,c] (overwritten), and when <paramref name="dx"/> is not empty dx[r,c] = dy[r,c]·gamma_c·invStd_c
    /// (overwritten). <paramref name="sums"/> is scratch of at least 2·channels doubles.
    /// </summary>
    /// <exception cref="ArgumentException">A span is shorter than its shape.</exception>
    public static void BatchNormInferenceBackward(ReadOnlySpan<float> xhat, ReadOnlySpan<float> dy, ReadOnlySpan<float> gamma,
        ReadOnlySpan<float> batchInvStd, Span<float> gammaGradient, Span<float> betaGradient, Span<float> dx,
        Span<double> sums, int rows, int channels) =>
        Backward(xhat, dy, gamma, batchInvStd, gammaGradient, betaGradient, dx, sums, rows, channels, training: false);

    private static void Backward(ReadOnlySpan<float> xhat, ReadOnlySpan<float> dy, ReadOnlySpan<float> gamma,
        ReadOnlySpan<float> batchInvStd, Span<float> gammaGradient, Span<float> betaGradient, Span<float> dx,
        Span<double> sums, int rows, int channels, bool training)
    {
        ShapeChecks.AtLeast(rows, 0, nameof(rows));
        ShapeChecks.AtLeast(channels, 1, nameof(channels));
        long size = (long)rows * channels;
        ShapeChecks.Length(xhat.Length, size, nameof(xhat), "rows × channels");
        ShapeChecks.Length(dy.Length, size, nameof(dy), "rows × channels");
        ShapeChecks.Length(gamma.Length, channels, nameof(gamma), "channels");
        ShapeChecks.Length(batchInvStd.Length, channels, nameof(batchInvStd), "channels");
        ShapeChecks.Length(gammaGradient.Length, channels, nameof(gammaGradient), "channels");
        ShapeChecks.Length(betaGradient.Length, channels, nameof(betaGradient), "channels");
        ShapeChecks.EmptyOrLength(dx.Length, size, nameof(dx), "rows × channels");
        ShapeChecks.Length(sums.Length, 2L * channels, nameof(sums), "2 × channels");

        Span<double> dySum = sums.Slice(0, channels), dyXhatSum = sums.Slice(channels, channels);
        dySum.Clear();
        dyXhatSum.Clear();
        fixed (float* pdy = dy, ph = xhat)
        fixed (double* ps = dySum, psh = dyXhatSum)
            ChannelSums.AddWithProducts(pdy, ph, ps, psh, rows, channels);
        for (int c = 0; c < channels; c++)
        {
            betaGradient[c] = (float)dySum[c];
            gammaGradient[c] = (float)dyXhatSum[c];
        }
        if (dx.IsEmpty || rows == 0) return;

        // The sums are used up (the gradients hold them): their memory holds the per-channel factor of dx as floats.
        Span<float> scale = MemoryMarshal.Cast<double, float>(sums).Slice(0, channels);
        for (int c = 0; c < channels; c++)
            scale[c] = training ? (float)((double)gamma[c] * batchInvStd[c] / rows) : gamma[c] * batchInvStd[c];
        fixed (float* ph = xhat, pdy = dy, pdx = dx, ps = scale, pdb = betaGradient, pdg = gammaGradient)
        {
            if (training)
            {
                // In the row job's fields: xhat, dy, the per-channel scale, dbeta, dgamma and dx.
                var job = new RowJob { X = ph, Y = pdy, InvStd = ps, Beta = pdb, Gamma = pdg, Xhat = pdx, Rows = rows, Channels = channels };
                var args = new KernelArgs { A = (float*)&job };
                WorkerPool.Run(&InputGradientPart, ref args, ParallelRows(rows, channels));
            }
            else
                for (int r = 0; r < rows; r++)
                    Multiply(pdy + (long)r * channels, ps, pdx + (long)r * channels, channels);
        }
    }

    // ---- Row passes, at the machine's vector width. ----

    /// <summary>Element-wise passes over at least this many values split their rows across the cores (each row belongs to one chunk, so the bits never depend on it).</summary>
    private const long ParallelValues = 1 << 18;

    private static bool ParallelRows(int rows, int channels) => Kernels.AllowParallel && rows > 1 && (long)rows * channels >= ParallelValues;

    private struct RowJob
    {
        public float* X, Mean, MeanLow, InvStd, Gamma, Beta, Xhat, Y, Residual;
        public int Rows, Channels;
        public bool Relu;
    }

    private static void NormalizePart(ref KernelArgs a, int chunk, int chunks)
    {
        ref RowJob j = ref *(RowJob*)a.A;
        var (first, end) = WorkerPool.Range(j.Rows, chunk, chunks);
        if (first >= end) return;
        long o = (long)first * j.Channels;
        NormalizeRows(j.X + o, j.Mean, j.MeanLow, j.InvStd, j.Gamma, j.Beta, j.Xhat == null ? null : j.Xhat + o, j.Y + o,
            j.Residual == null ? null : j.Residual + o, j.Relu, end - first, j.Channels, j.Channels);
    }

    // dx = scale·((rows·dy − dbeta) − xhat·dgamma) for a chunk's rows; rows stays the whole batch's count.
    private static void InputGradientPart(ref KernelArgs a, int chunk, int chunks)
    {
        ref RowJob j = ref *(RowJob*)a.A;
        var (first, end) = WorkerPool.Range(j.Rows, chunk, chunks);
        if (first >= end) return;
        long o = (long)first * j.Channels;
        TrainingInputGradient(j.X + o, j.Y + o, j.InvStd, j.Beta, j.Gamma, j.Xhat + o, end - first, j.Channels, j.Rows);
    }

    /// <summary>
    /// Rows of <paramref name="count"/> channels, <paramref name="stride"/> floats apart: xhat = ((x − mean) − meanLow)·invStd
    /// (stored if xhat is not null; meanLow, the rest of a double mean, may be null), y = gamma·xhat + beta, then + residual
    /// (rows <paramref name="stride"/> apart too, when not null) and max(·, 0) with <paramref name="relu"/>: the same values
    /// as separate [Add] and ReLU passes (TensorPrimitives' a + b and max(x, 0)). y may be x.
    /// </summary>
    internal static void NormalizeRows(float* x, float* mean, float* meanLow, float* invStd, float* gamma, float* beta, float* xhat, float* y,
        float* residual, bool relu, int rows, int count, int stride)
    {
        if (Vector512.IsHardwareAccelerated) NormalizeRows<Ops512, Vector512<float>>(x, mean, meanLow, invStd, gamma, beta, xhat, y, residual, relu, rows, count, stride);
        else if (Vector256.IsHardwareAccelerated) NormalizeRows<Ops256, Vector256<float>>(x, mean, meanLow, invStd, gamma, beta, xhat, y, residual, relu, rows, count, stride);
        else if (Vector128.IsHardwareAccelerated) NormalizeRows<Ops128, Vector128<float>>(x, mean, meanLow, invStd, gamma, beta, xhat, y, residual, relu, rows, count, stride);
        else NormalizeRows<OpsScalar, float>(x, mean, meanLow, invStd, gamma, beta, xhat, y, residual, relu, rows, count, stride);
    }

    private static void NormalizeRows<TOps, TVec>(float* x, float* mean, float* meanLow, float* invStd, float* gamma, float* beta, float* xhat, float* y,
        float* residual, bool relu, int rows, int count, int stride) where TOps : struct, IVectorOps<TVec> where TVec : struct
    {
        int lanes = TOps.Count;
        for (int r = 0; r < rows; r++)
        {
            long o = (long)r * stride;
            float* xr = x + o, yr = y + o, hr = xhat == null ? null : xhat + o, rr = residual == null ? null : residual + o;
            int c = 0;
            for (; c <= count - lanes; c += lanes)
            {
                TVec centred = TOps.Subtract(TOps.Load(xr + c), TOps.Load(mean + c));
                if (meanLow != null) centred = TOps.Subtract(centred, TOps.Load(meanLow + c));
                TVec h = TOps.Multiply(centred, TOps.Load(invStd + c));
                if (hr != null) TOps.Store(h, hr + c);
                TVec v = TOps.MultiplyAdd(TOps.Load(gamma + c), h, TOps.Load(beta + c));
                if (rr != null) v = TOps.Add(v, TOps.Load(rr + c));
                if (relu) v = TOps.Max(v, TOps.Zero);
                TOps.Store(v, yr + c);
            }
            for (; c < count; c++)
            {
                float centred = xr[c] - mean[c];
                if (meanLow != null) centred -= meanLow[c];
                float h = centred * invStd[c];
                if (hr != null) hr[c] = h;
                float v = OpsScalar.MultiplyAdd(gamma[c], h, beta[c]);
                if (rr != null) v += rr[c];
                if (relu) v = MathF.Max(v, 0f);
                yr[c] = v;
            }
        }
    }

    private static void TrainingInputGradient(float* xhat, float* dy, float* scale, float* dbeta, float* dgamma, float* dx, int rows, int channels, int batchRows)
    {
        if (Vector512.IsHardwareAccelerated) TrainingInputGradient<Ops512, Vector512<float>>(xhat, dy, scale, dbeta, dgamma, dx, rows, channels, batchRows);
        else if (Vector256.IsHardwareAccelerated) TrainingInputGradient<Ops256, Vector256<float>>(xhat, dy, scale, dbeta, dgamma, dx, rows, channels, batchRows);
        else if (Vector128.IsHardwareAccelerated) TrainingInputGradient<Ops128, Vector128<float>>(xhat, dy, scale, dbeta, dgamma, dx, rows, channels, batchRows);
        else TrainingInputGradient<OpsScalar, float>(xhat, dy, scale, dbeta, dgamma, dx, rows, channels, batchRows);
    }

    /// <summary>dx = scale · ((batchRows·dy − dbeta) − xhat·dgamma), row by row, for <paramref name="rows"/> rows of the batch's <paramref name="batchRows"/>.</summary>
    private static void TrainingInputGradient<TOps, TVec>(float* xhat, float* dy, float* scale, float* dbeta, float* dgamma, float* dx, int rows, int channels, int batchRows)
        where TOps : struct, IVectorOps<TVec> where TVec : struct
    {
        int lanes = TOps.Count;
        float n = batchRows;
        TVec vn = TOps.Broadcast(n);
        for (int r = 0; r < rows; r++)
        {
            long o = (long)r * channels;
            float* h = xhat + o, d = dy + o, g = dx + o;
            int c = 0;
            for (; c <= channels - lanes; c += lanes)
            {
                TVec centred = TOps.Subtract(TOps.Multiply(vn, TOps.Load(d + c)), TOps.Load(dbeta + c));
                TVec t = TOps.Subtract(centred, TOps.Multiply(TOps.Load(h + c), TOps.Load(dgamma + c)));
                TOps.Store(TOps.Multiply(TOps.Load(scale + c), t), g + c);
            }
            for (; c < channels; c++) g[c] = scale[c] * ((n * d[c] - dbeta[c]) - h[c] * dgamma[c]);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Multiply(float* a, float* b, float* target, int n)
    {
        int i = 0;
        if (Vector512.IsHardwareAccelerated)
            for (; i <= n - 16; i += 16) Vector512.Store(Vector512.Load(a + i) * Vector512.Load(b + i), target + i);
        if (Vector256.IsHardwareAccelerated)
            for (; i <= n - 8; i += 8) Vector256.Store(Vector256.Load(a + i) * Vector256.Load(b + i), target + i);
        if (Vector128.IsHardwareAccelerated)
            for (; i <= n - 4; i += 4) Vector128.Store(Vector128.Load(a + i) * Vector128.Load(b + i), target + i);
        for (; i < n; i++) target[i] = a[i] * b[i];
    }

    private static void CheckChannels(int gammaLength, int betaLength, int invStdLength, int channels, string invStdName)
    {
        ShapeChecks.Length(gammaLength, channels, "gamma", "channels");
        ShapeChecks.Length(betaLength, channels, "beta", "channels");
        ShapeChecks.Length(invStdLength, channels, invStdName, "channels");
    }
}
