using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace ModelGen;

/// <summary>
/// Adam (Kingma and Ba) with Keras' default hyper-parameters (lr 1e-3, β1 0.9, β2 0.999, ε 1e-7),
/// computed in the paper's and PyTorch's form:
/// m ← β1·m + (1 − β1)·g; v ← β2·v + (1 − β2)·g²;
/// p ← p − (lr / (1 − β1^t)) · m / (√v / √(1 − β2^t) + ε).
/// (Keras adds ε to √v before the bias correction; the two differ only in ε's scale early on.)
/// </summary>
public sealed class Adam(float learningRate = 1e-3f, float beta1 = 0.9f, float beta2 = 0.999f, float epsilon = 1e-7f)
    : Optimizer(learningRate)
{
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
        float b1 = Beta1, b2 = Beta2, eps = Epsilon;
        // Bias corrections in double: β^t for large t must not lose the small difference from 1.
        float stepSize = (float)(LearningRate / (1.0 - Math.Pow(b1, step)));
        float sqrtCorrection2 = (float)Math.Sqrt(1.0 - Math.Pow(b2, step));
        int n = parameters.Length, i = 0;
        ref float p = ref MemoryMarshal.GetReference(parameters);
        ref float g = ref MemoryMarshal.GetReference(gradients);
        ref float mr = ref MemoryMarshal.GetArrayDataReference(m);
        ref float vr = ref MemoryMarshal.GetArrayDataReference(v);
        if (Vector256.IsHardwareAccelerated)
        {
            // The same operations as the scalar loop below, in the same order, 8 lanes at a time.
            Vector256<float> vb1 = Vector256.Create(b1), vb2 = Vector256.Create(b2), c1 = Vector256.Create(1f - b1),
                c2 = Vector256.Create(1f - b2), vStep = Vector256.Create(stepSize), vCorr = Vector256.Create(sqrtCorrection2),
                vEps = Vector256.Create(eps);
            for (; i <= n - 8; i += 8)
            {
                Vector256<float> gi = Vector256.LoadUnsafe(ref g, (nuint)i);
                Vector256<float> mi = vb1 * Vector256.LoadUnsafe(ref mr, (nuint)i) + c1 * gi;
                Vector256<float> vi = vb2 * Vector256.LoadUnsafe(ref vr, (nuint)i) + c2 * gi * gi;
                mi.StoreUnsafe(ref mr, (nuint)i);
                vi.StoreUnsafe(ref vr, (nuint)i);
                Vector256<float> update = vStep * mi / (Vector256.Sqrt(vi) / vCorr + vEps);
                (Vector256.LoadUnsafe(ref p, (nuint)i) - update).StoreUnsafe(ref p, (nuint)i);
            }
        }
        for (; i < n; i++)
        {
            float gi = Unsafe.Add(ref g, i);
            float mi = b1 * Unsafe.Add(ref mr, i) + (1f - b1) * gi;
            float vi = b2 * Unsafe.Add(ref vr, i) + (1f - b2) * gi * gi;
            Unsafe.Add(ref mr, i) = mi;
            Unsafe.Add(ref vr, i) = vi;
            Unsafe.Add(ref p, i) -= stepSize * mi / (MathF.Sqrt(vi) / sqrtCorrection2 + eps);
        }
    }
}
