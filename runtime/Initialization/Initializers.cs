namespace ModelGen;

/// <summary>Parameter initialisers matching Keras' defaults for Dense layers.</summary>
public static class Initializers
{
    /// <summary>
    /// Glorot (Xavier) uniform: each weight is drawn from U(−limit, limit) with
    /// limit = sqrt(6 / (fanIn + fanOut)), in buffer order.
    /// </summary>
    public static void GlorotUniform(Span<float> weights, int fanIn, int fanOut, ref Xoshiro256StarStar rng)
    {
        float limit = MathF.Sqrt(6f / (fanIn + fanOut));
        for (int i = 0; i < weights.Length; i++)
        {
            weights[i] = (2f * rng.NextSingle() - 1f) * limit;
        }
    }

    /// <summary>Keras' default bias initialiser.</summary>
    public static void Zeros(Span<float> biases) => biases.Clear();
}
