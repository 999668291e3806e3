using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace ModelGen;

/// <summary>128-bit vectors of 4 floats (<see cref="IVectorOps{TVec}"/>).</summary>
internal readonly unsafe struct Ops128 : IVectorOps<Vector128<float>>
{
    public static int Count => Vector128<float>.Count;

    public static Vector128<float> Zero => Vector128<float>.Zero;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Broadcast(float value) => Vector128.Create(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Load(ref float source, nuint offset) => Vector128.LoadUnsafe(ref source, offset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Load(float* source) => Vector128.Load(source);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector128<float> value, ref float target, nuint offset) => value.StoreUnsafe(ref target, offset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector128<float> value, float* target) => value.Store(target);

    /// <remarks>
    /// In WebAssembly (no fused multiply-add in its SIMD) MultiplyAddEstimate is a multiply then an add, the same
    /// two roundings as <c>a * b + c</c>; but .NET's interpreter does not turn it into SIMD instructions and runs a
    /// call per lane instead: 20 times slower in Chromium (the MNIST MLP's hidden layer took 109 µs instead of 5.5).
    /// So the browser gets the operators. IsBrowser and IsWasi are constants, false on CoreCLR: nothing changes there.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> MultiplyAdd(Vector128<float> a, Vector128<float> b, Vector128<float> c) =>
        OperatingSystem.IsBrowser() || OperatingSystem.IsWasi() ? a * b + c : Vector128.MultiplyAddEstimate(a, b, c);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Add(Vector128<float> a, Vector128<float> b) => a + b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Subtract(Vector128<float> a, Vector128<float> b) => a - b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Multiply(Vector128<float> a, Vector128<float> b) => a * b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Divide(Vector128<float> a, Vector128<float> b) => a / b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Max(Vector128<float> a, Vector128<float> b) => Vector128.Max(a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Sqrt(Vector128<float> a) => Vector128.Sqrt(a);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> WherePositive(Vector128<float> selector, Vector128<float> values, Vector128<float> otherwise) =>
        Vector128.ConditionalSelect(Vector128.GreaterThan(selector, Vector128<float>.Zero), values, otherwise);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> ZeroBelow(Vector128<float> value, Vector128<float> threshold) =>
        Vector128.ConditionalSelect(Vector128.GreaterThanOrEqual(Vector128.Abs(value), threshold), value, Vector128<float>.Zero);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong NonZeroBits(Vector128<float> value) => ~Vector128.Equals(value, Vector128<float>.Zero).ExtractMostSignificantBits() & 0xFUL;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Sum(Vector128<float> value) => Vector128.Sum(value);
}
