using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace ModelGen;

/// <summary>
/// Adam (Kingma and Ba) with Keras' default hyper-parameters (lr 1e-3, β1 0.9, β2 0.999, ε 1e-7),
/// computed in the paper's and PyTorch's form:
/// m ← β1·m + (1 − β1)·g; v ← β2·v + (1 − β2)·g²;
/// p ← p − (lr / (1 − β1^t)) · m / (√v / √(1 − β2^t) + ε).
/// (Keras adds ε to √v before the bias correction; the two differ only in ε's scale early on.)
/// </summary>
public sealed unsafe class Adam(float learningRate = 1e-3f, float beta1 = 0.9f, float beta2 = 0.999f, float epsilon = 1e-7f)
    : Optimizer(learningRate)
{
    /// <summary>
    /// Parameter counts from which the update uses every core (it is memory-bound). Below about a million
    /// parameters the arrays fit the caches, and splitting them moves the weights between cores' caches
    /// every step (see <see cref="Kernels.ParallelThreshold"/>).
    /// </summary>
    private const int ParallelThreshold = 1 << 20;

    private float[]? _m, _v;

    /// <summary>Decay of the first-moment estimate.</summary>
    public float Beta1 { get; } = beta1 >= 0f && beta1 < 1f ? beta1 : throw new ArgumentOutOfRangeException(nameof(beta1), beta1, "β1 must be in [0, 1).");

    /// <summary>Decay of the second-moment estimate.</summary>
    public float Beta2 { get; } = beta2 >= 0f && beta2 < 1f ? beta2 : throw new ArgumentOutOfRangeException(nameof(beta2), beta2, "β2 must be in [0, 1).");

    /// <summary>Added to the denominator for numerical stability.</summary>
    public float Epsilon { get; } = epsilon > 0f && float.IsFinite(epsilon) ? epsilon : throw new ArgumentOutOfRangeException(nameof(epsilon), epsilon, "ε must be positive and finite.");

    /// <inheritdoc />
    protected override void Update(Span<float> parameters, ReadOnlySpan<float> gradients, long stepNumber)
    {
        float[] m = State(ref _m, parameters.Length);
        float[] v = State(ref _v, parameters.Length);
        fixed (float* p = parameters, g = gradients, pm = m, pv = v)
        {
            var args = new KernelArgs
            {
                A = p, B = g, C = pm, D = pv, Length = parameters.Length,
                S0 = Beta1, S1 = Beta2,
                // Bias corrections in double: β^t for large t must not lose the small difference from 1.
                // lr/(1 − β1^t) · m / (√v/√(1 − β2^t) + ε) = [lr·√(1 − β2^t)/(1 − β1^t)] · m / (√v + ε·√(1 − β2^t)):
                // the same update with one square root and one division per parameter.
                S2 = (float)(LearningRate * Math.Sqrt(1.0 - Math.Pow(Beta2, stepNumber)) / (1.0 - Math.Pow(Beta1, stepNumber))),
                S3 = (float)(Epsilon * Math.Sqrt(1.0 - Math.Pow(Beta2, stepNumber))),
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
        float* p = a.A, g = a.B, m = a.C, v = a.D;
        int i = first, lanes = TOps.Count;
        // The same operations in the same order on vectors and on the last few floats, so every
        // parameter gets the same update whichever loop reaches it.
        TVec b1 = TOps.Broadcast(a.S0), b2 = TOps.Broadcast(a.S1), c1 = TOps.Broadcast(1f - a.S0), c2 = TOps.Broadcast(1f - a.S1),
            stepSize = TOps.Broadcast(a.S2), scaledEpsilon = TOps.Broadcast(a.S3);
        for (; i <= end - lanes; i += lanes)
            Step<TOps, TVec>(p + i, g + i, m + i, v + i, b1, b2, c1, c2, stepSize, scaledEpsilon);
        for (; i < end; i++)
            Step<OpsScalar, float>(p + i, g + i, m + i, v + i, a.S0, a.S1, 1f - a.S0, 1f - a.S1, a.S2, a.S3);
    }

    /// <summary>Moments below this (2⁻¹⁰⁰) are stored as zero.</summary>
    private const float MomentFloor = 7.88860905e-31f;

    /// <summary>Gradients below this (2⁻⁵⁶) enter the moments as zero.</summary>
    private const float GradientFloor = 1.38777878e-17f;

    // m ← β1·m + (1 − β1)·g; v ← β2·v + (1 − β2)·g²; p ← p − stepSize·m / (√v + ε'), without fused multiply-adds.
    //
    // No subnormal float is ever read or made: x64 CPUs take a microcode assist of about a hundred cycles
    // per vector that holds one, and without this the moments of weights that rarely see a gradient (an
    // image's border pixels) decay into that range; after 3 MNIST epochs 5 % of m was subnormal and the
    // update took 150 µs instead of 40. So m and v below 2⁻¹⁰⁰ are stored as zero, and gradients below
    // 2⁻⁵⁶ count as zero (their squares would be subnormal). Every product and sum then stays normal, and
    // the parameter moves it drops are below 10⁻¹³, far under a float's resolution at any weight's size.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Step<TOps, TVec>(float* p, float* g, float* m, float* v, TVec b1, TVec b2, TVec c1, TVec c2, TVec stepSize, TVec scaledEpsilon)
        where TOps : struct, IVectorOps<TVec> where TVec : struct
    {
        TVec gi = TOps.ZeroBelow(TOps.Load(g), TOps.Broadcast(GradientFloor));
        TVec floor = TOps.Broadcast(MomentFloor);
        TVec mi = TOps.ZeroBelow(TOps.Add(TOps.Multiply(b1, TOps.Load(m)), TOps.Multiply(c1, gi)), floor);
        TVec vi = TOps.ZeroBelow(TOps.Add(TOps.Multiply(b2, TOps.Load(v)), TOps.Multiply(TOps.Multiply(c2, gi), gi)), floor);
        TOps.Store(mi, m);
        TOps.Store(vi, v);
        TOps.Store(TOps.Subtract(TOps.Load(p), TOps.Divide(TOps.Multiply(stepSize, mi), TOps.Add(TOps.Sqrt(vi), scaledEpsilon))), p);
    }
}
