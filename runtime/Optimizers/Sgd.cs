using System.Numerics.Tensors;

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
    protected override void Update(Span<float> parameters, ReadOnlySpan<float> gradients, long stepNumber)
    {
        float lr = LearningRate, mu = Momentum;
        ReadOnlySpan<float> g = gradients.Slice(0, parameters.Length);
        if (mu != 0f)
        {
            // v ← μ·v + g, then the step follows v instead of g.
            Span<float> v = State(ref _velocity, parameters.Length);
            TensorPrimitives.MultiplyAdd(v, mu, g, v);
            g = v;
        }
        // p ← p − lr·g, as p + g·(−lr): negating lr is exact, so the rounding is that of p − lr·g.
        TensorPrimitives.MultiplyAdd(g, -lr, parameters, parameters);
    }
}
