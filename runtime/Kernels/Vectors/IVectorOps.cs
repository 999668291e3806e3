namespace ModelGen;

/// <summary>
/// The operations the kernels need on one vector of floats, so each kernel body is written once and
/// compiled per vector width: <see cref="Ops512"/> (AVX-512), <see cref="Ops256"/> (AVX2),
/// <see cref="Ops128"/> (SSE, ARM64's AdvSimd, the NativeAOT baseline) and <see cref="OpsScalar"/> (one
/// float, where the hardware has no vectors or they are switched off). The implementations are structs
/// with static members, so the JIT compiles a separate, fully inlined copy of a kernel for each.
/// </summary>
/// <remarks>
/// Multiply-add is fused (one rounding) where the hardware has FMA and a multiply then an add elsewhere
/// (x64 without AVX2, HWIntrinsic off): an emulated fused multiply-add is many times slower than the two
/// instructions. Results are therefore bit-identical run after run on one path, and may differ in the
/// last bits between paths.
/// <para>
/// Ops512, Ops256 and Ops128 are the same lines over three vector types on purpose: .NET 10 keeps its
/// own interface over the vector types (ISimdVector) internal, so each width needs its own small struct.
/// </para>
/// </remarks>
internal unsafe interface IVectorOps<TVec> where TVec : struct
{
    /// <summary>Floats per vector.</summary>
    static abstract int Count { get; }

    static abstract TVec Zero { get; }

    /// <summary>Every lane set to <paramref name="value"/>.</summary>
    static abstract TVec Broadcast(float value);

    static abstract TVec Load(ref float source, nuint offset);

    static abstract TVec Load(float* source);

    static abstract void Store(TVec value, ref float target, nuint offset);

    static abstract void Store(TVec value, float* target);

    /// <summary>a·b + c, fused where the hardware has FMA.</summary>
    static abstract TVec MultiplyAdd(TVec a, TVec b, TVec c);

    static abstract TVec Add(TVec a, TVec b);

    static abstract TVec Subtract(TVec a, TVec b);

    static abstract TVec Multiply(TVec a, TVec b);

    static abstract TVec Divide(TVec a, TVec b);

    static abstract TVec Max(TVec a, TVec b);

    static abstract TVec Sqrt(TVec a);

    /// <summary>Each lane of <paramref name="values"/> where the same lane of <paramref name="selector"/> is &gt; 0; otherwise <paramref name="otherwise"/>'s lane.</summary>
    static abstract TVec WherePositive(TVec selector, TVec values, TVec otherwise);

    /// <summary>Each lane of <paramref name="value"/>, or zero where its magnitude is below <paramref name="threshold"/>'s.</summary>
    static abstract TVec ZeroBelow(TVec value, TVec threshold);

    /// <summary>Bit k set when lane k is not zero.</summary>
    static abstract ulong NonZeroBits(TVec value);

    /// <summary>The sum of the lanes, in a fixed order.</summary>
    static abstract float Sum(TVec value);
}
