using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace ModelGen;

/// <summary>
/// Copies, clears and adds of short contiguous runs of floats, the inner loops of im2col and col2im: a
/// window row is WindowWidth · Channels floats (3 for a 3×3 window on one channel, 96 on 32), too short
/// for a call to memmove (or to TensorPrimitives, whose checks and dispatch cost more than the work
/// here) to pay off. Callers have checked the bounds.
/// </summary>
internal static unsafe class Runs
{
    /// <summary>target[0, n) = source[0, n). The runs must not overlap.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Copy(float* source, float* target, int n)
    {
        if (Vector512.IsHardwareAccelerated && n >= 16) Copy<Ops512, Vector512<float>>(source, target, n);
        else if (Vector256.IsHardwareAccelerated && n >= 8) Copy<Ops256, Vector256<float>>(source, target, n);
        else if (Vector128.IsHardwareAccelerated && n >= 4) Copy<Ops128, Vector128<float>>(source, target, n);
        else for (int i = 0; i < n; i++) target[i] = source[i];
    }

    // Whole vectors, then one last vector ending at n that may rewrite a few values with the same ones (n ≥ one vector).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Copy<TOps, TVec>(float* source, float* target, int n) where TOps : struct, IVectorOps<TVec> where TVec : struct
    {
        int lanes = TOps.Count;
        for (int i = 0; i < n - lanes; i += lanes) TOps.Store(TOps.Load(source + i), target + i);
        TOps.Store(TOps.Load(source + n - lanes), target + n - lanes);
    }

    /// <summary>target[0, n) = 0.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Clear(float* target, int n)
    {
        if (Vector512.IsHardwareAccelerated && n >= 16) Clear<Ops512, Vector512<float>>(target, n);
        else if (Vector256.IsHardwareAccelerated && n >= 8) Clear<Ops256, Vector256<float>>(target, n);
        else if (Vector128.IsHardwareAccelerated && n >= 4) Clear<Ops128, Vector128<float>>(target, n);
        else for (int i = 0; i < n; i++) target[i] = 0f;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Clear<TOps, TVec>(float* target, int n) where TOps : struct, IVectorOps<TVec> where TVec : struct
    {
        int lanes = TOps.Count;
        for (int i = 0; i < n - lanes; i += lanes) TOps.Store(TOps.Zero, target + i);
        TOps.Store(TOps.Zero, target + n - lanes);
    }

    /// <summary>target[0, n) += source[0, n), each value once (an add cannot be repeated, so no overlapping last vector).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Add(float* source, float* target, int n)
    {
        int i = 0;
        if (Vector512.IsHardwareAccelerated)
            for (; i <= n - 16; i += 16) Vector512.Store(Vector512.Load(source + i) + Vector512.Load(target + i), target + i);
        if (Vector256.IsHardwareAccelerated)
            for (; i <= n - 8; i += 8) Vector256.Store(Vector256.Load(source + i) + Vector256.Load(target + i), target + i);
        if (Vector128.IsHardwareAccelerated)
            for (; i <= n - 4; i += 4) Vector128.Store(Vector128.Load(source + i) + Vector128.Load(target + i), target + i);
        for (; i < n; i++) target[i] += source[i];
    }
}
