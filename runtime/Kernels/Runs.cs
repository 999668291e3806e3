using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace ModelGen;

/// <summary>
/// Copies, clears and adds of short contiguous runs of floats, the inner loops of im2col and col2im: a
/// window row is WindowWidth · Channels floats (3 for a 3×3 window on one channel, 96 on 32), too short
/// for a call to memmove to pay off. Callers have checked the bounds.
/// </summary>
internal static unsafe class Runs
{
    /// <summary>target[0, n) = source[0, n). The runs must not overlap.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Copy(float* source, float* target, int n)
    {
        if (Vector256.IsHardwareAccelerated && n >= 8)
        {
            // Whole vectors, then one last vector ending at n that may rewrite a few values with the same ones.
            for (int i = 0; i < n - 8; i += 8) Vector256.Store(Vector256.Load(source + i), target + i);
            Vector256.Store(Vector256.Load(source + n - 8), target + n - 8);
        }
        else if (Vector128.IsHardwareAccelerated && n >= 4)
        {
            for (int i = 0; i < n - 4; i += 4) Vector128.Store(Vector128.Load(source + i), target + i);
            Vector128.Store(Vector128.Load(source + n - 4), target + n - 4);
        }
        else
        {
            for (int i = 0; i < n; i++) target[i] = source[i];
        }
    }

    /// <summary>target[0, n) = 0.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Clear(float* target, int n)
    {
        if (n <= 0) return;
        if (Vector256.IsHardwareAccelerated && n >= 8)
        {
            for (int i = 0; i < n - 8; i += 8) Vector256.Store(Vector256<float>.Zero, target + i);
            Vector256.Store(Vector256<float>.Zero, target + n - 8);
        }
        else
        {
            for (int i = 0; i < n; i++) target[i] = 0f;
        }
    }

    /// <summary>target[0, n) += source[0, n), each value once (an add cannot be repeated, so no overlapping last vector).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Add(float* source, float* target, int n)
    {
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
            for (; i <= n - 8; i += 8) Vector256.Store(Vector256.Load(source + i) + Vector256.Load(target + i), target + i);
        if (Vector128.IsHardwareAccelerated)
            for (; i <= n - 4; i += 4) Vector128.Store(Vector128.Load(source + i) + Vector128.Load(target + i), target + i);
        for (; i < n; i++) target[i] += source[i];
    }
}
