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
        float lr = LearningRate;
        if (Momentum == 0f)
        {
            for (int i = 0; i < parameters.Length; i++) parameters[i] -= lr * gradients[i];
            return;
        }
        float[] v = State(ref _velocity, parameters.Length);
        float mu = Momentum;
        for (int i = 0; i < parameters.Length; i++)
        {
            float vi = mu * v[i] + gradients[i];
            v[i] = vi;
            parameters[i] -= lr * vi;
        }
    }
}
