namespace ModelGen;

/// <summary>
/// Stochastic gradient descent, optionally with momentum, in PyTorch's form:
/// v ← μ·v + g; p ← p − lr·v (without momentum: p ← p − lr·g). For a constant learning rate this is
/// the same trajectory as Keras' v ← μ·v − lr·g; p ← p + v.
/// </summary>
/// <remarks>
/// Each product is rounded before its sum (a multiply, then an add, never fused), so the update is
/// bit-identical on every vector path, with or without FMA hardware.
/// </remarks>
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
        ReadOnlySpan<float> g = gradients.Slice(0, parameters.Length);
        if (Momentum != 0f)
        {
            // v ← μ·v + g, then the step follows v instead of g.
            Span<float> v = State(ref _velocity, parameters.Length);
            ElementWise.Map<MomentumStep>(g, v, Momentum);
            g = v;
        }
        // p ← p − lr·g.
        ElementWise.Map<DescentStep>(g, parameters, LearningRate);
    }

    // d = v: v ← s·v + y (y = g, s = μ).
    private struct MomentumStep : IElementMap
    {
        public static TVec Apply<TOps, TVec>(TVec y, TVec d, TVec s) where TOps : struct, IVectorOps<TVec> where TVec : struct =>
            TOps.Add(TOps.Multiply(s, d), y);
    }

    // d = p: p ← p − s·y (y = g or v, s = lr).
    private struct DescentStep : IElementMap
    {
        public static TVec Apply<TOps, TVec>(TVec y, TVec d, TVec s) where TOps : struct, IVectorOps<TVec> where TVec : struct =>
            TOps.Subtract(d, TOps.Multiply(s, y));
    }
}
