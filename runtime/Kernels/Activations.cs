using System.Numerics.Tensors;

namespace ModelGen;

/// <summary>
/// Element-wise activations, applied in place to a layer's output, and their backward passes.
/// Every derivative is computed from the activation's output y (not its input z), so a layer keeps
/// only y: ReLU'(z) = [y &gt; 0], ReLU6'(z) = [0 &lt; y &lt; 6], σ'(z) = y(1 − y), tanh'(z) = 1 − y², LeakyReLU'(z) = y &gt; 0 ? 1 : slope.
/// </summary>
/// <remarks>
/// Single operations (max, exp, sigmoid, tanh, sums) are TensorPrimitives calls, vectorised at every
/// width; the backward passes are one fused pass each (<see cref="ElementWise"/>).
/// </remarks>
public static class Activations
{
    /// <summary>y = max(z, 0), in place.</summary>
    public static void ReLU(Span<float> values) => TensorPrimitives.Max(values, 0f, values);

    /// <summary>δ ← δ · [y &gt; 0].</summary>
    public static void ReLUBackward(ReadOnlySpan<float> outputs, Span<float> deltas) =>
        ElementWise.Map<ReLUGradient>(outputs, deltas, 0f);

    /// <summary>dx = δ · [y &gt; 0], leaving δ as it is: the same values as <see cref="ReLUBackward(ReadOnlySpan{float}, Span{float})"/> without the copy.</summary>
    public static void ReLUBackward(ReadOnlySpan<float> outputs, ReadOnlySpan<float> deltas, Span<float> dx) =>
        ElementWise.Map<ReLUGradient>(outputs, deltas, dx, 0f);

    /// <summary>y = min(max(z, 0), 6), in place (PyTorch's relu6 = hardtanh(z, 0, 6); NaN stays NaN).</summary>
    public static void ReLU6(Span<float> values)
    {
        TensorPrimitives.Max(values, 0f, values);
        TensorPrimitives.Min(values, 6f, values);
    }

    /// <summary>
    /// δ ← δ · [0 &lt; y &lt; 6], as PyTorch's hardtanh backward (the gradient passes strictly inside (0, 6), and is
    /// zero where the output was clipped, at 0 and at 6 included).
    /// </summary>
    public static void ReLU6Backward(ReadOnlySpan<float> outputs, Span<float> deltas) =>
        ElementWise.Map<ReLU6Gradient>(outputs, deltas, 6f);

    /// <summary>y = z &gt; 0 ? z : slope·z, in place.</summary>
    public static void LeakyReLU(Span<float> values, float slope) => ElementWise.Map<LeakyReLUValue>(values, values, slope);

    /// <summary>δ ← δ · (y &gt; 0 ? 1 : slope); valid because slope ≥ 0 keeps the sign of z in y.</summary>
    public static void LeakyReLUBackward(ReadOnlySpan<float> outputs, Span<float> deltas, float slope) =>
        ElementWise.Map<LeakyReLUGradient>(outputs, deltas, slope);

    /// <summary>y = 1 / (1 + e^−z), in place.</summary>
    public static void Sigmoid(Span<float> values) => TensorPrimitives.Sigmoid(values, values);

    /// <summary>δ ← δ · y(1 − y).</summary>
    public static void SigmoidBackward(ReadOnlySpan<float> outputs, Span<float> deltas) =>
        ElementWise.Map<SigmoidGradient>(outputs, deltas, 0f);

    /// <summary>y = tanh(z), in place.</summary>
    public static void Tanh(Span<float> values) => TensorPrimitives.Tanh(values, values);

    /// <summary>δ ← δ · (1 − y²).</summary>
    public static void TanhBackward(ReadOnlySpan<float> outputs, Span<float> deltas) =>
        ElementWise.Map<TanhGradient>(outputs, deltas, 0f);

    /// <summary>
    /// Row-wise softmax: p[r, k] = e^(z[r, k] − m_r) / Σ_j e^(z[r, j] − m_r) with m_r the row maximum,
    /// so no exponent overflows.
    /// </summary>
    /// <remarks>
    /// Plain loops with MathF.Exp, not TensorPrimitives: a row is a handful of classes, so speed does not
    /// matter here, and TensorPrimitives.Exp rounds differently from the C library's exp that PyTorch
    /// uses, enough to move a 100-step lockstep run with TorchSharp (SGD with momentum) from 6e-8 to
    /// 1.6e-4 apart. (TensorPrimitives.SoftMax would also not subtract the maximum.)
    /// </remarks>
    public static void Softmax(ReadOnlySpan<float> logits, Span<float> probabilities, int rows, int units)
    {
        for (int r = 0; r < rows; r++)
        {
            ReadOnlySpan<float> z = logits.Slice(r * units, units);
            Span<float> p = probabilities.Slice(r * units, units);
            float max = z[0];
            for (int k = 1; k < units; k++) max = MathF.Max(max, z[k]);
            float sum = 0f;
            for (int k = 0; k < units; k++) { float e = MathF.Exp(z[k] - max); p[k] = e; sum += e; }
            float inverse = 1f / sum;
            for (int k = 0; k < units; k++) p[k] *= inverse;
        }
    }

    // d · [y > 0]: a select, not a multiply, so an infinite or NaN delta where y ≤ 0 still gives 0.
    private struct ReLUGradient : IElementMap
    {
        public static TVec Apply<TOps, TVec>(TVec y, TVec d, TVec s) where TOps : struct, IVectorOps<TVec> where TVec : struct =>
            TOps.WherePositive(y, d, TOps.Zero);
    }

    // d · [0 < y < 6] (s = 6): two selects, so an infinite or NaN delta outside (0, 6) still gives 0.
    private struct ReLU6Gradient : IElementMap
    {
        public static TVec Apply<TOps, TVec>(TVec y, TVec d, TVec s) where TOps : struct, IVectorOps<TVec> where TVec : struct =>
            TOps.WherePositive(TOps.Subtract(s, y), TOps.WherePositive(y, d, TOps.Zero), TOps.Zero);
    }

    private struct LeakyReLUValue : IElementMap
    {
        public static TVec Apply<TOps, TVec>(TVec y, TVec d, TVec s) where TOps : struct, IVectorOps<TVec> where TVec : struct =>
            TOps.WherePositive(d, d, TOps.Multiply(s, d));
    }

    private struct LeakyReLUGradient : IElementMap
    {
        public static TVec Apply<TOps, TVec>(TVec y, TVec d, TVec s) where TOps : struct, IVectorOps<TVec> where TVec : struct =>
            TOps.WherePositive(y, d, TOps.Multiply(d, s));
    }

    private struct SigmoidGradient : IElementMap
    {
        public static TVec Apply<TOps, TVec>(TVec y, TVec d, TVec s) where TOps : struct, IVectorOps<TVec> where TVec : struct =>
            TOps.Multiply(d, TOps.Multiply(y, TOps.Subtract(TOps.Broadcast(1f), y)));
    }

    private struct TanhGradient : IElementMap
    {
        public static TVec Apply<TOps, TVec>(TVec y, TVec d, TVec s) where TOps : struct, IVectorOps<TVec> where TVec : struct =>
            TOps.Multiply(d, TOps.Subtract(TOps.Broadcast(1f), TOps.Multiply(y, y)));
    }
}
