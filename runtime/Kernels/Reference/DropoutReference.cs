namespace ModelGen;

/// <summary>
/// The naive reference for <see cref="Dropout"/>, kept beside the fast kernels so tests can check that the
/// fast mask is bit-identical (masks must reproduce exactly for a seed) and benchmarks can measure it.
/// Not used by generated models.
/// </summary>
public static class DropoutReference
{
    /// <summary>
    /// Fills <paramref name="mask"/>: each value is 0 with probability <paramref name="rate"/> (a uniform draw
    /// u in [0, 1) from <paramref name="random"/> with u &lt; rate), else 1 / (1 − rate); one draw per value, in order.
    /// </summary>
    public static void Mask(Span<float> mask, float rate, ref Xoshiro256StarStar random)
    {
        if (!(rate >= 0f && rate < 1f)) throw new ArgumentOutOfRangeException(nameof(rate), rate, "The dropout rate must be in [0, 1).");
        float keep = 1f / (1f - rate);
        for (int i = 0; i < mask.Length; i++) mask[i] = random.NextSingle() < rate ? 0f : keep;
    }

    /// <summary>y = x ⊙ mask, element by element (the forward pass, and the backward pass with dy and dx).</summary>
    public static void Apply(ReadOnlySpan<float> x, ReadOnlySpan<float> mask, Span<float> y)
    {
        if (mask.Length < x.Length || y.Length < x.Length) throw new ArgumentException("The mask and output must be at least as long as the input.");
        for (int i = 0; i < x.Length; i++) y[i] = x[i] * mask[i];
    }
}
