using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Numerics.Tensors;

namespace ModelGen;

/// <summary>Inverted dropout: a mask of 0 and 1 / (1 − rate), and its application.</summary>
public static class Dropout
{
    /// <summary>
    /// Fills <paramref name="mask"/>: each value is 0 with probability <paramref name="rate"/> (a uniform draw
    /// u in [0, 1) from <paramref name="random"/> with u &lt; rate), else 1 / (1 − rate); one draw per value, in order.
    /// </summary>
    /// <remarks>
    /// The draws are a contract (a seed must give the same mask everywhere), so this makes exactly the
    /// draws of <see cref="DropoutReference.Mask"/>. It is faster because the generator's state is
    /// copied into a local, which the JIT keeps in registers instead of reloading through the reference
    /// at every draw, and because each value is chosen with a bit mask instead of a branch that a random
    /// draw would mispredict half the time.
    /// </remarks>
    public static void Mask(Span<float> mask, float rate, ref Xoshiro256StarStar random)
    {
        if (!(rate >= 0f && rate < 1f)) throw new ArgumentOutOfRangeException(nameof(rate), rate, "The dropout rate must be in [0, 1).");
        uint keepBits = BitConverter.SingleToUInt32Bits(1f / (1f - rate));
        Xoshiro256StarStar local = random;
        ref float m = ref MemoryMarshal.GetReference(mask);
        for (int i = 0; i < mask.Length; i++)
        {
            bool dropped = local.NextSingle() < rate;
            uint keep = (uint)Unsafe.BitCast<bool, byte>(dropped) - 1; // all ones when kept, zero when dropped
            Unsafe.Add(ref m, i) = BitConverter.UInt32BitsToSingle(keepBits & keep);
        }
        random = local;
    }

    /// <summary>y = x ⊙ mask, element by element (the forward pass, and the backward pass with dy and dx).</summary>
    /// <remarks>y may be x itself (TensorPrimitives allows a destination that is exactly an input).</remarks>
    public static void Apply(ReadOnlySpan<float> x, ReadOnlySpan<float> mask, Span<float> y)
    {
        if (mask.Length < x.Length)
            throw new ArgumentException($"The mask holds {mask.Length} values, fewer than the input's {x.Length}.", nameof(mask));
        if (y.Length < x.Length)
            throw new ArgumentException($"The output holds {y.Length} values, fewer than the input's {x.Length}.", nameof(y));
        TensorPrimitives.Multiply(x, mask.Slice(0, x.Length), y.Slice(0, x.Length));
    }
}
