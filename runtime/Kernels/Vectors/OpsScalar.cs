using System.Runtime.CompilerServices;

namespace ModelGen;

/// <summary>One float at a time (<see cref="IVectorOps{TVec}"/>): machines without vector hardware, or with it switched off (DOTNET_EnableHWIntrinsic=0).</summary>
internal readonly unsafe struct OpsScalar : IVectorOps<float>
{
    public static int Count => 1;

    public static float Zero => 0f;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Broadcast(float value) => value;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Load(ref float source, nuint offset) => Unsafe.Add(ref source, offset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Load(float* source) => *source;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(float value, ref float target, nuint offset) => Unsafe.Add(ref target, offset) = value;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(float value, float* target) => *target = value;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float MultiplyAdd(float a, float b, float c) =>
        OperatingSystem.IsBrowser() || OperatingSystem.IsWasi() ? a * b + c : float.MultiplyAddEstimate(a, b, c); // as Ops128.MultiplyAdd

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Add(float a, float b) => a + b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Subtract(float a, float b) => a - b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Multiply(float a, float b) => a * b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Divide(float a, float b) => a / b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Max(float a, float b) => MathF.Max(a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Sqrt(float a) => MathF.Sqrt(a);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float WherePositive(float selector, float values, float otherwise) => selector > 0f ? values : otherwise;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float ZeroBelow(float value, float threshold) => MathF.Abs(value) >= threshold ? value : 0f;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong NonZeroBits(float value) => value != 0f ? 1UL : 0UL;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Sum(float value) => value;
}
