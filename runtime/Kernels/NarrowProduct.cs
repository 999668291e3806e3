using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace ModelGen;

/// <summary>
/// y = start + x·M for products with few output columns (a classifier's 10 logits): rows go across the
/// vector lanes instead of columns. With 10 columns, a row-major output row fills 10 of a 512-bit
/// vector's 16 lanes and each row is a chain of dependent multiply-adds; here a block of 16 rows is
/// transposed once, and every multiply-add computes one column for 16 rows.
/// </summary>
/// <remarks>
/// Each y[r, c] is start[c] followed by one multiply-add per input in input order, as in the row kernel
/// (<see cref="RowKernels"/>); the row kernel skips zero inputs, which adds nothing to a finite sum, so
/// the results are the same bits for finite weights. Columns are taken eight at a time (eight
/// accumulators), from a copy of M padded with zero columns to a multiple of eight.
/// </remarks>
internal static unsafe class NarrowProduct
{
    /// <summary>Columns per pass: one accumulator each.</summary>
    private const int PassColumns = 8;

    /// <summary>The most columns and inputs this kernel takes (its buffers are on the stack: 64 KB at most).</summary>
    public const int MaxColumns = 2 * PassColumns, MaxInputs = 512;

    /// <summary>Whether rows [first, end) of a product with these shapes take this kernel.</summary>
    public static bool Suits(int rows, int inputs, int columns) =>
        Vector128.IsHardwareAccelerated && rows >= 4 && columns <= MaxColumns && inputs <= MaxInputs;

    /// <summary>Rows [first, end) of y [.., columns] = start + x·M for x [.., inputs], M [inputs, columns]; start may be null.</summary>
    public static void Accumulate(float* x, float* m, float* start, float* y, int first, int end, int inputs, int columns)
    {
        if (Vector512.IsHardwareAccelerated) Accumulate<Ops512, Vector512<float>>(x, m, start, y, first, end, inputs, columns);
        else if (Vector256.IsHardwareAccelerated) Accumulate<Ops256, Vector256<float>>(x, m, start, y, first, end, inputs, columns);
        else Accumulate<Ops128, Vector128<float>>(x, m, start, y, first, end, inputs, columns);
    }

    private static void Accumulate<TOps, TVec>(float* x, float* m, float* start, float* y, int first, int end, int inputs, int columns)
        where TOps : struct, IVectorOps<TVec> where TVec : struct
    {
        int lanes = TOps.Count, passes = (columns + PassColumns - 1) / PassColumns;
        // M's columns in passes of eight, zero-padded: padded[p][i, j] = M[i, 8p + j].
        float* padded = stackalloc float[passes * inputs * PassColumns];
        for (int p = 0; p < passes; p++)
            for (int i = 0; i < inputs; i++)
                for (int j = 0; j < PassColumns; j++)
                {
                    int c = p * PassColumns + j;
                    padded[((long)p * inputs + i) * PassColumns + j] = c < columns ? m[(long)i * columns + c] : 0f;
                }
        float* xT = stackalloc float[inputs * lanes];       // xT[i, l] = x[r + l, i]
        float* sums = stackalloc float[PassColumns * lanes]; // one accumulator per column, stored to scatter
        for (int r = first; r < end; r += lanes)
        {
            int count = Math.Min(lanes, end - r);
            for (int l = 0; l < count; l++)
            {
                float* row = x + (long)(r + l) * inputs;
                for (int i = 0; i < inputs; i++) xT[i * lanes + l] = row[i];
            }
            for (int l = count; l < lanes; l++)
                for (int i = 0; i < inputs; i++) xT[i * lanes + l] = 0f;
            for (int p = 0; p < passes; p++)
            {
                int c0 = p * PassColumns, width = Math.Min(PassColumns, columns - c0);
                Pass<TOps, TVec>(xT, padded + (long)p * inputs * PassColumns, inputs, start == null ? null : start + c0, width, sums);
                for (int j = 0; j < width; j++)
                    for (int l = 0; l < count; l++) y[(long)(r + l) * columns + c0 + j] = sums[j * lanes + l];
            }
        }
    }

    // sums[j, l] = start[j] + Σ_i xT[i, l]·padded[i, j] for eight columns j, in input order.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Pass<TOps, TVec>(float* xT, float* padded, int inputs, float* start, int width, float* sums)
        where TOps : struct, IVectorOps<TVec> where TVec : struct
    {
        int lanes = TOps.Count;
        TVec a0 = Start<TOps, TVec>(start, 0, width), a1 = Start<TOps, TVec>(start, 1, width);
        TVec a2 = Start<TOps, TVec>(start, 2, width), a3 = Start<TOps, TVec>(start, 3, width);
        TVec a4 = Start<TOps, TVec>(start, 4, width), a5 = Start<TOps, TVec>(start, 5, width);
        TVec a6 = Start<TOps, TVec>(start, 6, width), a7 = Start<TOps, TVec>(start, 7, width);
        for (int i = 0; i < inputs; i++)
        {
            TVec xi = TOps.Load(xT + (long)i * lanes);
            float* w = padded + (long)i * PassColumns;
            a0 = TOps.MultiplyAdd(xi, TOps.Broadcast(w[0]), a0);
            a1 = TOps.MultiplyAdd(xi, TOps.Broadcast(w[1]), a1);
            a2 = TOps.MultiplyAdd(xi, TOps.Broadcast(w[2]), a2);
            a3 = TOps.MultiplyAdd(xi, TOps.Broadcast(w[3]), a3);
            a4 = TOps.MultiplyAdd(xi, TOps.Broadcast(w[4]), a4);
            a5 = TOps.MultiplyAdd(xi, TOps.Broadcast(w[5]), a5);
            a6 = TOps.MultiplyAdd(xi, TOps.Broadcast(w[6]), a6);
            a7 = TOps.MultiplyAdd(xi, TOps.Broadcast(w[7]), a7);
        }
        TOps.Store(a0, sums); TOps.Store(a1, sums + lanes); TOps.Store(a2, sums + 2 * lanes); TOps.Store(a3, sums + 3 * lanes);
        TOps.Store(a4, sums + 4 * lanes); TOps.Store(a5, sums + 5 * lanes); TOps.Store(a6, sums + 6 * lanes); TOps.Store(a7, sums + 7 * lanes);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TVec Start<TOps, TVec>(float* start, int j, int width)
        where TOps : struct, IVectorOps<TVec> where TVec : struct =>
        start == null || j >= width ? TOps.Zero : TOps.Broadcast(start[j]);
}
