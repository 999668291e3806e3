using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace ModelGen;

/// <summary>
/// A vector of floats widened to two vectors of doubles, and the double arithmetic on them, so that the per-channel
/// double sums (<see cref="ChannelSums"/>) are written once and compiled per vector width: <see cref="Widen512"/>,
/// <see cref="Widen256"/> and <see cref="Widen128"/>. Float → double is exact, and each lane's add, subtract and
/// multiply is one IEEE double operation (never fused), so every width gives the bits of scalar code.
/// </summary>
internal unsafe interface IWideningOps<TFloats, TDoubles> where TFloats : struct where TDoubles : struct
{
    /// <summary>Floats per vector (each widens to two vectors of doubles).</summary>
    static abstract int Count { get; }

    static abstract TFloats Load(float* source);

    static abstract TDoubles Load(double* source);

    static abstract void Store(TDoubles value, double* target);

    /// <summary>The lower half of the lanes, as doubles.</summary>
    static abstract TDoubles Lower(TFloats value);

    /// <summary>The upper half of the lanes, as doubles.</summary>
    static abstract TDoubles Upper(TFloats value);

    static abstract TDoubles Add(TDoubles a, TDoubles b);

    static abstract TDoubles Subtract(TDoubles a, TDoubles b);

    static abstract TDoubles Multiply(TDoubles a, TDoubles b);
}

/// <summary>16 floats → 2 × 8 doubles (<see cref="IWideningOps{TFloats, TDoubles}"/>).</summary>
internal readonly unsafe struct Widen512 : IWideningOps<Vector512<float>, Vector512<double>>
{
    public static int Count => Vector512<float>.Count;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Load(float* source) => Vector512.Load(source);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> Load(double* source) => Vector512.Load(source);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector512<double> value, double* target) => value.Store(target);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> Lower(Vector512<float> value) => Vector512.WidenLower(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> Upper(Vector512<float> value) => Vector512.WidenUpper(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> Add(Vector512<double> a, Vector512<double> b) => a + b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> Subtract(Vector512<double> a, Vector512<double> b) => a - b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> Multiply(Vector512<double> a, Vector512<double> b) => a * b;
}

/// <summary>8 floats → 2 × 4 doubles (<see cref="IWideningOps{TFloats, TDoubles}"/>).</summary>
internal readonly unsafe struct Widen256 : IWideningOps<Vector256<float>, Vector256<double>>
{
    public static int Count => Vector256<float>.Count;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Load(float* source) => Vector256.Load(source);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> Load(double* source) => Vector256.Load(source);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector256<double> value, double* target) => value.Store(target);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> Lower(Vector256<float> value) => Vector256.WidenLower(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> Upper(Vector256<float> value) => Vector256.WidenUpper(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> Add(Vector256<double> a, Vector256<double> b) => a + b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> Subtract(Vector256<double> a, Vector256<double> b) => a - b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> Multiply(Vector256<double> a, Vector256<double> b) => a * b;
}

/// <summary>4 floats → 2 × 2 doubles (<see cref="IWideningOps{TFloats, TDoubles}"/>).</summary>
internal readonly unsafe struct Widen128 : IWideningOps<Vector128<float>, Vector128<double>>
{
    public static int Count => Vector128<float>.Count;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Load(float* source) => Vector128.Load(source);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<double> Load(double* source) => Vector128.Load(source);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector128<double> value, double* target) => value.Store(target);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<double> Lower(Vector128<float> value) => Vector128.WidenLower(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<double> Upper(Vector128<float> value) => Vector128.WidenUpper(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<double> Add(Vector128<double> a, Vector128<double> b) => a + b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<double> Subtract(Vector128<double> a, Vector128<double> b) => a - b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<double> Multiply(Vector128<double> a, Vector128<double> b) => a * b;
}
