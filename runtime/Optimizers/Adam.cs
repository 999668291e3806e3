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
    /// <summary>Parameter counts from which the update uses every core (it is memory-bound).</summary>
    private const int ParallelThreshold = 1 << 14;

    private float[]? _m, _v;

    /// <summary>Decay of the first-moment estimate.</summary>
    public float Beta1 { get; } = beta1 >= 0f && beta1 < 1f ? beta1 : throw new ArgumentOutOfRangeException(nameof(beta1), beta1, "β1 must be in [0, 1).");

    /// <summary>Decay of the second-moment estimate.</summary>
    public float Beta2 { get; } = beta2 >= 0f && beta2 < 1f ? beta2 : throw new ArgumentOutOfRangeException(nameof(beta2), beta2, "β2 must be in [0, 1).");

    /// <summary>Added to the denominator for numerical stability.</summary>
    public float Epsilon { get; } = epsilon > 0f && float.IsFinite(epsilon) ? epsilon : throw new ArgumentOutOfRangeException(nameof(epsilon), epsilon, "ε must be positive and finite.");

    /// <inheritdoc />
    protected override void Update(Span<float> parameters, ReadOnlySpan<float> gradients, long step)
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
                S2 = (float)(LearningRate * Math.Sqrt(1.0 - Math.Pow(Beta2, step)) / (1.0 - Math.Pow(Beta1, step))),
                S3 = (float)(Epsilon * Math.Sqrt(1.0 - Math.Pow(Beta2, step))),
            };
            WorkerPool.Run(&UpdatePart, ref args, Kernels.AllowParallel && parameters.Length >= ParallelThreshold);
        }
    }

    // Each part updates its own aligned block of parameters; the arithmetic is element-wise, so the
    // split never changes a result.
    private static void UpdatePart(ref KernelArgs a, int chunk, int chunks)
    {
        var (first, end) = WorkerPool.Range(a.Length, chunk, chunks, align: 8);
        float b1 = a.S0, b2 = a.S1, stepSize = a.S2, scaledEpsilon = a.S3;
        float* p = a.A, g = a.B, m = a.C, v = a.D;
        int i = first;
        if (Vector256.IsHardwareAccelerated)
        {
            // The same operations as the scalar loop below, in the same order, 8 lanes at a time.
            Vector256<float> vb1 = Vector256.Create(b1), vb2 = Vector256.Create(b2), c1 = Vector256.Create(1f - b1),
                c2 = Vector256.Create(1f - b2), vStep = Vector256.Create(stepSize), vEps = Vector256.Create(scaledEpsilon);
            for (; i <= end - 8; i += 8)
            {
                Vector256<float> gi = Vector256.Load(g + i);
                Vector256<float> mi = vb1 * Vector256.Load(m + i) + c1 * gi;
                Vector256<float> vi = vb2 * Vector256.Load(v + i) + c2 * gi * gi;
                mi.Store(m + i);
                vi.Store(v + i);
                (Vector256.Load(p + i) - vStep * mi / (Vector256.Sqrt(vi) + vEps)).Store(p + i);
            }
        }
        for (; i < end; i++)
        {
            float gi = g[i];
            float mi = b1 * m[i] + (1f - b1) * gi;
            float vi = b2 * v[i] + (1f - b2) * gi * gi;
            m[i] = mi;
            v[i] = vi;
            p[i] -= stepSize * mi / (MathF.Sqrt(vi) + scaledEpsilon);
        }
    }
}
