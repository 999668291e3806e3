using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace ModelGen;

/// <summary>
/// Element-wise activations, applied in place to a layer's output, and their backward passes.
/// Every derivative is computed from the activation's output y (not its input z), so a layer keeps
/// only y: ReLU'(z) = [y &gt; 0], σ'(z) = y(1 − y), tanh'(z) = 1 − y², LeakyReLU'(z) = y &gt; 0 ? 1 : slope.
/// </summary>
public static class Activations
{
    /// <summary>y = max(z, 0), in place.</summary>
    public static void ReLU(Span<float> values)
    {
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            ref float v = ref MemoryMarshal.GetReference(values);
            for (; i <= values.Length - 8; i += 8)
                Vector256.Max(Vector256.LoadUnsafe(ref v, (nuint)i), Vector256<float>.Zero).StoreUnsafe(ref v, (nuint)i);
        }
        for (; i < values.Length; i++) values[i] = MathF.Max(values[i], 0f);
    }

    /// <summary>δ ← δ · [y &gt; 0].</summary>
    public static void ReLUBackward(ReadOnlySpan<float> outputs, Span<float> deltas)
    {
        if (outputs.Length < deltas.Length) throw new ArgumentException("outputs is shorter than deltas.", nameof(outputs));
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            ref float y = ref MemoryMarshal.GetReference(outputs);
            ref float d = ref MemoryMarshal.GetReference(deltas);
            for (; i <= deltas.Length - 8; i += 8)
            {
                Vector256<float> active = Vector256.GreaterThan(Vector256.LoadUnsafe(ref y, (nuint)i), Vector256<float>.Zero);
                (Vector256.LoadUnsafe(ref d, (nuint)i) & active).StoreUnsafe(ref d, (nuint)i);
            }
        }
        for (; i < deltas.Length; i++) if (!(outputs[i] > 0f)) deltas[i] = 0f;
    }

    /// <summary>y = z &gt; 0 ? z : slope·z, in place.</summary>
    public static void LeakyReLU(Span<float> values, float slope)
    {
        for (int i = 0; i < values.Length; i++) { float z = values[i]; values[i] = z > 0f ? z : slope * z; }
    }

    /// <summary>δ ← δ · (y &gt; 0 ? 1 : slope); valid because slope ≥ 0 keeps the sign of z in y.</summary>
    public static void LeakyReLUBackward(ReadOnlySpan<float> outputs, Span<float> deltas, float slope)
    {
        if (outputs.Length < deltas.Length) throw new ArgumentException("outputs is shorter than deltas.", nameof(outputs));
        for (int i = 0; i < deltas.Length; i++) if (!(outputs[i] > 0f)) deltas[i] *= slope;
    }

    /// <summary>y = 1 / (1 + e^−z), in place.</summary>
    public static void Sigmoid(Span<float> values)
    {
        for (int i = 0; i < values.Length; i++) values[i] = 1f / (1f + MathF.Exp(-values[i]));
    }

    /// <summary>δ ← δ · y(1 − y).</summary>
    public static void SigmoidBackward(ReadOnlySpan<float> outputs, Span<float> deltas)
    {
        if (outputs.Length < deltas.Length) throw new ArgumentException("outputs is shorter than deltas.", nameof(outputs));
        for (int i = 0; i < deltas.Length; i++) { float y = outputs[i]; deltas[i] *= y * (1f - y); }
    }

    /// <summary>y = tanh(z), in place.</summary>
    public static void Tanh(Span<float> values)
    {
        for (int i = 0; i < values.Length; i++) values[i] = MathF.Tanh(values[i]);
    }

    /// <summary>δ ← δ · (1 − y²).</summary>
    public static void TanhBackward(ReadOnlySpan<float> outputs, Span<float> deltas)
    {
        if (outputs.Length < deltas.Length) throw new ArgumentException("outputs is shorter than deltas.", nameof(outputs));
        for (int i = 0; i < deltas.Length; i++) { float y = outputs[i]; deltas[i] *= 1f - y * y; }
    }

    /// <summary>
    /// Row-wise softmax: p[r, k] = e^(z[r, k] − m_r) / Σ_j e^(z[r, j] − m_r) with m_r the row maximum,
    /// so no exponent overflows.
    /// </summary>
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
}
