using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace ModelGen;

/// <summary>
/// Stochastic gradient descent, optionally with momentum, in PyTorch's form:
/// v ← μ·v + g; p ← p − lr·v (without momentum: p ← p − lr·g). For a constant learning rate this is
/// the same trajectory as Keras' v ← μ·v − lr·g; p ← p + v.
/// </summary>
public sealed class Sgd(float learningRate = 0.01f, float momentum = 0f) : Optimizer(learningRate)
{
    private float[]? _velocity;

    /// <summary>The momentum μ in [0, 1).</summary>
    public float Momentum { get; } = momentum >= 0f && momentum < 1f
        ? momentum
        : throw new ArgumentOutOfRangeException(nameof(momentum), momentum, "Momentum must be in [0, 1).");

    /// <inheritdoc />
    protected override void Update(Span<float> parameters, ReadOnlySpan<float> gradients, long step)
    {
        float lr = LearningRate, mu = Momentum;
        int n = parameters.Length, i = 0;
        ref float p = ref MemoryMarshal.GetReference(parameters);
        ref float g = ref MemoryMarshal.GetReference(gradients);
        if (mu == 0f)
        {
            if (Vector256.IsHardwareAccelerated)
            {
                var vLr = Vector256.Create(lr);
                for (; i <= n - 8; i += 8)
                    (Vector256.LoadUnsafe(ref p, (nuint)i) - vLr * Vector256.LoadUnsafe(ref g, (nuint)i)).StoreUnsafe(ref p, (nuint)i);
            }
            for (; i < n; i++) Unsafe.Add(ref p, i) -= lr * Unsafe.Add(ref g, i);
            return;
        }
        ref float v = ref MemoryMarshal.GetArrayDataReference(State(ref _velocity, n));
        if (Vector256.IsHardwareAccelerated)
        {
            Vector256<float> vLr = Vector256.Create(lr), vMu = Vector256.Create(mu);
            for (; i <= n - 8; i += 8)
            {
                Vector256<float> vi = vMu * Vector256.LoadUnsafe(ref v, (nuint)i) + Vector256.LoadUnsafe(ref g, (nuint)i);
                vi.StoreUnsafe(ref v, (nuint)i);
                (Vector256.LoadUnsafe(ref p, (nuint)i) - vLr * vi).StoreUnsafe(ref p, (nuint)i);
            }
        }
        for (; i < n; i++)
        {
            float vi = mu * Unsafe.Add(ref v, i) + Unsafe.Add(ref g, i);
            Unsafe.Add(ref v, i) = vi;
            Unsafe.Add(ref p, i) -= lr * vi;
        }
    }
}
