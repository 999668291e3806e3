using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace ModelGen;

/// <summary>
/// The update of <see cref="Adam"/> and <see cref="AdamW"/>, one pass over the parameters, their gradients and both
/// moments: m ← β1·m + (1 − β1)·g; v ← β2·v + (1 − β2)·g²; p ← p·keep − stepSize·m / (√v + ε'), where keep is
/// AdamW's decoupled decay factor 1 − lr·λ on the decayed ranges and the multiply is skipped elsewhere (and
/// everywhere for Adam), so Adam's bits are the same as before AdamW existed.
/// </summary>
internal static unsafe class AdamKernel
{
    /// <summary>
    /// Parameter counts from which the update uses every core (it is memory-bound). Below about a million
    /// parameters the arrays fit the caches, and splitting them moves the weights between cores' caches
    /// every step (see <see cref="Kernels.ParallelThreshold"/>).
    /// </summary>
    private const int ParallelThreshold = 1 << 20;

    /// <summary>Moments below this (2⁻¹⁰⁰) are stored as zero.</summary>
    private const float MomentFloor = 7.88860905e-31f;

    /// <summary>Gradients below this (2⁻⁵⁶) enter the moments as zero.</summary>
    private const float GradientFloor = 1.38777878e-17f;

    /// <summary>
    /// One step. <paramref name="decayed"/> lists the ranges that decay (sorted, disjoint: start, end, start, end, …);
    /// with <paramref name="keep"/> = 1 nothing decays and the ranges are not read.
    /// </summary>
    public static void Update(Span<float> parameters, ReadOnlySpan<float> gradients, float[] m, float[] v,
        float beta1, float beta2, float stepSize, float scaledEpsilon, float keep, ReadOnlySpan<int> decayed)
    {
        fixed (float* p = parameters, g = gradients, pm = m, pv = v)
        fixed (int* edges = decayed)
        {
            var args = new KernelArgs
            {
                A = p, B = g, C = pm, D = pv, Length = parameters.Length,
                S0 = beta1, S1 = beta2, S2 = stepSize, S3 = scaledEpsilon, S4 = keep,
                Edges = edges, EdgeCount = keep == 1f ? 0 : decayed.Length,
            };
            WorkerPool.Run(&UpdatePart, ref args, Kernels.AllowParallel && parameters.Length >= ParallelThreshold);
        }
    }

    // Each part updates its own aligned block of parameters; the arithmetic is element-wise, so the
    // split never changes a result. One pass reads p, g, m, v once and writes p, m, v once: the update is
    // memory-bound, and the several passes TensorPrimitives calls would take cost more than they save.
    private static void UpdatePart(ref KernelArgs a, int chunk, int chunks)
    {
        if (Vector512.IsHardwareAccelerated) UpdatePart<Ops512, Vector512<float>>(ref a, chunk, chunks);
        else if (Vector256.IsHardwareAccelerated) UpdatePart<Ops256, Vector256<float>>(ref a, chunk, chunks);
        else if (Vector128.IsHardwareAccelerated) UpdatePart<Ops128, Vector128<float>>(ref a, chunk, chunks);
        else UpdatePart<OpsScalar, float>(ref a, chunk, chunks);
    }

    private static void UpdatePart<TOps, TVec>(ref KernelArgs a, int chunk, int chunks)
        where TOps : struct, IVectorOps<TVec> where TVec : struct
    {
        var (first, end) = WorkerPool.Range(a.Length, chunk, chunks, align: 16);
        // The decayed ranges that meet this block, and the gaps between them.
        int i = first;
        for (int k = 0; k + 1 < a.EdgeCount && i < end; k += 2)
        {
            int start = Math.Clamp(a.Edges[k], i, end), stop = Math.Clamp(a.Edges[k + 1], i, end);
            Run<TOps, TVec>(ref a, i, start, decay: false);
            Run<TOps, TVec>(ref a, start, stop, decay: true);
            i = stop;
        }
        Run<TOps, TVec>(ref a, i, end, decay: false);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Run<TOps, TVec>(ref KernelArgs a, int first, int end, bool decay)
        where TOps : struct, IVectorOps<TVec> where TVec : struct
    {
        float* p = a.A, g = a.B, m = a.C, v = a.D;
        int i = first, lanes = TOps.Count;
        // The same operations in the same order on vectors and on the last few floats, so every
        // parameter gets the same update whichever loop reaches it.
        TVec b1 = TOps.Broadcast(a.S0), b2 = TOps.Broadcast(a.S1), c1 = TOps.Broadcast(1f - a.S0), c2 = TOps.Broadcast(1f - a.S1),
            stepSize = TOps.Broadcast(a.S2), scaledEpsilon = TOps.Broadcast(a.S3), keep = TOps.Broadcast(a.S4);
        if (decay)
        {
            for (; i <= end - lanes; i += lanes)
                Step<TOps, TVec>(p + i, g + i, m + i, v + i, b1, b2, c1, c2, stepSize, scaledEpsilon, keep, decay: true);
            for (; i < end; i++)
                Step<OpsScalar, float>(p + i, g + i, m + i, v + i, a.S0, a.S1, 1f - a.S0, 1f - a.S1, a.S2, a.S3, a.S4, decay: true);
        }
        else
        {
            for (; i <= end - lanes; i += lanes)
                Step<TOps, TVec>(p + i, g + i, m + i, v + i, b1, b2, c1, c2, stepSize, scaledEpsilon, keep, decay: false);
            for (; i < end; i++)
                Step<OpsScalar, float>(p + i, g + i, m + i, v + i, a.S0, a.S1, 1f - a.S0, 1f - a.S1, a.S2, a.S3, a.S4, decay: false);
        }
    }

    // m ← β1·m + (1 − β1)·g; v ← β2·v + (1 − β2)·g²; p ← p·keep (decayed ranges only) − stepSize·m / (√v + ε'),
    // without fused multiply-adds.
    //
    // No subnormal float is ever read or made: x64 CPUs take a microcode assist of about a hundred cycles
    // per vector that holds one, and without this the moments of weights that rarely see a gradient (an
    // image's border pixels) decay into that range; after 3 MNIST epochs 5 % of m was subnormal and the
    // update took 150 µs instead of 40. So m and v below 2⁻¹⁰⁰ are stored as zero, and gradients below
    // 2⁻⁵⁶ count as zero (their squares would be subnormal). Every product and sum then stays normal, and
    // the parameter moves it drops are below 10⁻¹³, far under a float's resolution at any weight's size.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Step<TOps, TVec>(float* p, float* g, float* m, float* v, TVec b1, TVec b2, TVec c1, TVec c2, TVec stepSize, TVec scaledEpsilon,
        TVec keep, bool decay)
        where TOps : struct, IVectorOps<TVec> where TVec : struct
    {
        TVec gi = TOps.ZeroBelow(TOps.Load(g), TOps.Broadcast(GradientFloor));
        TVec floor = TOps.Broadcast(MomentFloor);
        TVec mi = TOps.ZeroBelow(TOps.Add(TOps.Multiply(b1, TOps.Load(m)), TOps.Multiply(c1, gi)), floor);
        TVec vi = TOps.ZeroBelow(TOps.Add(TOps.Multiply(b2, TOps.Load(v)), TOps.Multiply(TOps.Multiply(c2, gi), gi)), floor);
        TOps.Store(mi, m);
        TOps.Store(vi, v);
        // PyTorch's AdamW: param.mul_(1 − lr·λ), rounded, before the Adam step.
        TVec pi = decay ? TOps.Multiply(TOps.Load(p), keep) : TOps.Load(p);
        TOps.Store(TOps.Subtract(pi, TOps.Divide(TOps.Multiply(stepSize, mi), TOps.Add(TOps.Sqrt(vi), scaledEpsilon))), p);
    }
}
