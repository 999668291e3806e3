using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace ModelGen;

/// <summary>
/// The dense-layer matrix products every generated model calls. Matrices are row-major:
/// x [rows, inputs], W [inputs, units] (Keras' kernel layout), y / dz [rows, units].
/// Each routine overwrites its output, so no buffer needs clearing first, and visits the data in a
/// fixed order, so results are bit-identical run after run on the same machine.
/// </summary>
public static class Kernels
{
    /// <summary>y = x·W + b.</summary>
    public static void Affine(ReadOnlySpan<float> x, ReadOnlySpan<float> w, ReadOnlySpan<float> b, Span<float> y,
        int rows, int inputs, int units)
    {
        CheckShapes(x.Length, rows, inputs, w.Length, y.Length, units);
        if (b.Length < units) ThrowTooShort(nameof(b));
        for (int r = 0; r < rows; r++)
        {
            ReadOnlySpan<float> xRow = x.Slice(r * inputs, inputs);
            Span<float> yRow = y.Slice(r * units, units);
            b.Slice(0, units).CopyTo(yRow);
            for (int i = 0; i < inputs; i++)
            {
                float xi = xRow[i];
                // Zero inputs are common (ReLU outputs, image background); skipping them changes no result.
                if (xi != 0f) Simd.MultiplyAdd(xi, w.Slice(i * units, units), yRow);
            }
        }
    }

    /// <summary>dW = xᵀ·dz, the weight gradient summed over the rows.</summary>
    public static void WeightGradient(ReadOnlySpan<float> x, ReadOnlySpan<float> dz, Span<float> dw,
        int rows, int inputs, int units)
    {
        CheckShapes(x.Length, rows, inputs, dw.Length, dz.Length, units);
        dw.Slice(0, inputs * units).Clear();
        for (int r = 0; r < rows; r++)
        {
            ReadOnlySpan<float> xRow = x.Slice(r * inputs, inputs);
            ReadOnlySpan<float> dzRow = dz.Slice(r * units, units);
            for (int i = 0; i < inputs; i++)
            {
                float xi = xRow[i];
                if (xi != 0f) Simd.MultiplyAdd(xi, dzRow, dw.Slice(i * units, units));
            }
        }
    }

    /// <summary>db = Σ_rows dz.</summary>
    public static void BiasGradient(ReadOnlySpan<float> dz, Span<float> db, int rows, int units)
    {
        if (dz.Length < rows * units) ThrowTooShort(nameof(dz));
        Span<float> sum = db.Slice(0, units);
        sum.Clear();
        for (int r = 0; r < rows; r++) Simd.Add(dz.Slice(r * units, units), sum);
    }

    /// <summary>dx = dz·Wᵀ, the gradient passed to the previous layer.</summary>
    public static void InputGradient(ReadOnlySpan<float> dz, ReadOnlySpan<float> w, Span<float> dx,
        int rows, int inputs, int units)
    {
        CheckShapes(dx.Length, rows, inputs, w.Length, dz.Length, units);
        for (int r = 0; r < rows; r++)
        {
            ReadOnlySpan<float> dzRow = dz.Slice(r * units, units);
            Span<float> dxRow = dx.Slice(r * inputs, inputs);
            for (int i = 0; i < inputs; i++) dxRow[i] = Simd.Dot(dzRow, w.Slice(i * units, units));
        }
    }

    private static void CheckShapes(int xLength, int rows, int inputs, int wLength, int yLength, int units)
    {
        if (rows < 0 || inputs <= 0 || units <= 0) throw new ArgumentOutOfRangeException(nameof(rows), "rows must be ≥ 0 and sizes > 0.");
        if (xLength < (long)rows * inputs) ThrowTooShort("x");
        if (wLength < (long)inputs * units) ThrowTooShort("w");
        if (yLength < (long)rows * units) ThrowTooShort("y");
    }

    private static void ThrowTooShort(string name) =>
        throw new ArgumentException($"The span '{name}' is shorter than the shapes require.", name);
}

/// <summary>Vector helpers: 512-bit where the CPU has it, 256-bit otherwise, with scalar tails.</summary>
internal static class Simd
{
    /// <summary>y += a·x over y's length.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void MultiplyAdd(float a, ReadOnlySpan<float> x, Span<float> y)
    {
        int n = y.Length;
        ref float xr = ref MemoryMarshal.GetReference(x);
        ref float yr = ref MemoryMarshal.GetReference(y);
        if (x.Length < n) throw new ArgumentException("x is shorter than y.", nameof(x));
        int i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            var va = Vector512.Create(a);
            for (; i <= n - 16; i += 16)
                Vector512.FusedMultiplyAdd(va, Vector512.LoadUnsafe(ref xr, (nuint)i), Vector512.LoadUnsafe(ref yr, (nuint)i)).StoreUnsafe(ref yr, (nuint)i);
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            var va = Vector256.Create(a);
            for (; i <= n - 8; i += 8)
                Vector256.FusedMultiplyAdd(va, Vector256.LoadUnsafe(ref xr, (nuint)i), Vector256.LoadUnsafe(ref yr, (nuint)i)).StoreUnsafe(ref yr, (nuint)i);
        }
        for (; i < n; i++) Unsafe.Add(ref yr, i) = MathF.FusedMultiplyAdd(a, Unsafe.Add(ref xr, i), Unsafe.Add(ref yr, i));
    }

    /// <summary>y += x over y's length.</summary>
    public static void Add(ReadOnlySpan<float> x, Span<float> y)
    {
        int n = y.Length;
        if (x.Length < n) throw new ArgumentException("x is shorter than y.", nameof(x));
        ref float xr = ref MemoryMarshal.GetReference(x);
        ref float yr = ref MemoryMarshal.GetReference(y);
        int i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            for (; i <= n - 16; i += 16)
                (Vector512.LoadUnsafe(ref xr, (nuint)i) + Vector512.LoadUnsafe(ref yr, (nuint)i)).StoreUnsafe(ref yr, (nuint)i);
        }
        for (; i < n; i++) Unsafe.Add(ref yr, i) += Unsafe.Add(ref xr, i);
    }

    /// <summary>Σ x·y over the shorter length, accumulated in a fixed lane order.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Dot(ReadOnlySpan<float> x, ReadOnlySpan<float> y)
    {
        int n = Math.Min(x.Length, y.Length);
        ref float xr = ref MemoryMarshal.GetReference(x);
        ref float yr = ref MemoryMarshal.GetReference(y);
        int i = 0;
        float sum = 0f;
        if (Vector512.IsHardwareAccelerated && n >= 16)
        {
            var acc = Vector512<float>.Zero;
            for (; i <= n - 16; i += 16)
                acc = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref xr, (nuint)i), Vector512.LoadUnsafe(ref yr, (nuint)i), acc);
            sum = Vector512.Sum(acc);
        }
        else if (Vector256.IsHardwareAccelerated && n >= 8)
        {
            var acc = Vector256<float>.Zero;
            for (; i <= n - 8; i += 8)
                acc = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref xr, (nuint)i), Vector256.LoadUnsafe(ref yr, (nuint)i), acc);
            sum = Vector256.Sum(acc);
        }
        for (; i < n; i++) sum = MathF.FusedMultiplyAdd(Unsafe.Add(ref xr, i), Unsafe.Add(ref yr, i), sum);
        return sum;
    }
}
