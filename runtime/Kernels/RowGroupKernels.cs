using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace ModelGen;

/// <summary>
/// y = start + x·M for four rows of x at once: each loaded vector of M feeds four multiply-adds, one
/// per row, instead of one. The single-row kernel (<see cref="RowKernels"/>) reloads M's rows for every
/// row of x, and once M outgrows L1 (a 784×128 layer is 401 KB) those loads, not the arithmetic, set
/// its speed.
/// </summary>
/// <remarks>
/// The four rows share one list of inputs: those where any of them is non-zero, in ascending order. A
/// row that is zero at a listed input adds 0·M[i, c] to its sum, which changes no finite sum, so each
/// y[r, c] is start[c] followed by the multiply-adds of row r's non-zero inputs in input order: the
/// same result as the single-row kernel, bit for bit, for finite weights. Used on the 256- and 512-bit
/// paths (16 and 32 vector registers); the 128-bit path, with 16 registers and no FMA, keeps the
/// single-row kernel, except in the browser (WebAssembly, <see cref="Browser"/>): there .NET interprets the
/// code (the jiterpreter compiles hot loops to WebAssembly, SIMD included, but keeps every local in memory),
/// registers do not matter, and what costs is the per-row overhead of the single-row kernel's calls and
/// the number of loop iterations: four rows and four vectors of columns per step (sixteen accumulators),
/// for short rows only (<see cref="BrowserInputs"/>).
/// </remarks>
internal static unsafe class RowGroupKernels
{
    /// <summary>Rows per group.</summary>
    public const int Rows = 4;

    /// <summary>Whether groups of rows are used for products with this many output columns.</summary>
    public static bool Suit(int columns, int inputs) =>
        (Vector512.IsHardwareAccelerated && columns % (2 * 16) == 0) || (!Vector512.IsHardwareAccelerated && Vector256.IsHardwareAccelerated && columns % (2 * 8) == 0)
        || (Browser && s_groupsInBrowser && inputs <= BrowserInputs && Vector128.IsHardwareAccelerated && columns % (4 * 4) == 0);

    /// <summary>
    /// In the browser, groups only for rows of at most this many inputs (the first convolution's 3×3 patches): there the
    /// single-row kernel's per-row calls cost most. Longer sparse rows (a 784-pixel image, a 3×3×32 patch of ReLU outputs)
    /// are quicker one at a time, because the union of four rows' non-zeros holds two to three times as many inputs as
    /// one row's, and the interpreter pays for every multiply-add (Chromium 156: a 3×3 convolution with 32 filters on a
    /// 28×28 image took 185 µs in groups and 240 µs by rows; 1000 MNIST images through the MLP 21.6 ms and 17.1 ms).
    /// </summary>
    private const int BrowserInputs = 32;

    // The browser benchmark's profile turns this off to time the single-row kernel against the groups (by reflection).
    private static bool s_groupsInBrowser = true;

    /// <summary>
    /// Whether this is .NET in WebAssembly (the browser or WASI): a constant, false on CoreCLR, so the browser's
    /// choices cost nothing and change nothing elsewhere.
    /// </summary>
    public static bool Browser => OperatingSystem.IsBrowser() || OperatingSystem.IsWasi();

    /// <summary>Rows [0, 4) of y [.., columns] = start + x·M for x [.., inputs] and M [inputs, columns]; start may be null.</summary>
    public static void Accumulate(float* x, int inputs, float* m, int columns, float* start, float* y, Span<int> union)
    {
        if (Browser && !Vector256.IsHardwareAccelerated)
        {
            AccumulateFourVectors<Ops128, Vector128<float>>(x, inputs, m, columns, start, y, union);
            return;
        }
        if (Vector512.IsHardwareAccelerated && columns % (4 * 16) == 0) AccumulateFourVectors<Ops512, Vector512<float>>(x, inputs, m, columns, start, y, union);
        else if (Vector512.IsHardwareAccelerated) Accumulate<Ops512, Vector512<float>>(x, inputs, m, columns, start, y, union);
        else Accumulate<Ops256, Vector256<float>>(x, inputs, m, columns, start, y, union);
    }

    // Four vectors of columns for four rows (sixteen accumulators: only the 512-bit path has the 32
    // registers for them and the loads): each broadcast feeds four multiply-adds instead of two, and a
    // 64-column product (a convolution with 64 filters) walks the list of inputs once instead of twice.
    private static void AccumulateFourVectors<TOps, TVec>(float* x, int inputs, float* m, int columns, float* start, float* y, Span<int> union)
        where TOps : struct, IVectorOps<TVec> where TVec : struct
    {
        int count = UnionOfNonZeros<TOps, TVec>(x, inputs, union);
        float* x0 = x, x1 = x + inputs, x2 = x + 2 * inputs, x3 = x + 3 * inputs;
        float* y0 = y, y1 = y + columns, y2 = y + 2 * columns, y3 = y + 3 * columns;
        int lanes = TOps.Count;
        fixed (int* indices = union)
        {
            for (int c = 0; c < columns; c += 4 * lanes)
            {
                TVec s0 = start == null ? TOps.Zero : TOps.Load(start + c);
                TVec s1 = start == null ? TOps.Zero : TOps.Load(start + c + lanes);
                TVec s2 = start == null ? TOps.Zero : TOps.Load(start + c + 2 * lanes);
                TVec s3 = start == null ? TOps.Zero : TOps.Load(start + c + 3 * lanes);
                TVec a00 = s0, a01 = s1, a02 = s2, a03 = s3, a10 = s0, a11 = s1, a12 = s2, a13 = s3;
                TVec a20 = s0, a21 = s1, a22 = s2, a23 = s3, a30 = s0, a31 = s1, a32 = s2, a33 = s3;
                for (int k = 0; k < count; k++)
                {
                    int i = indices[k];
                    float* row = m + (long)i * columns + c;
                    TVec w0 = TOps.Load(row), w1 = TOps.Load(row + lanes), w2 = TOps.Load(row + 2 * lanes), w3 = TOps.Load(row + 3 * lanes);
                    TVec b = TOps.Broadcast(x0[i]);
                    a00 = TOps.MultiplyAdd(b, w0, a00); a01 = TOps.MultiplyAdd(b, w1, a01); a02 = TOps.MultiplyAdd(b, w2, a02); a03 = TOps.MultiplyAdd(b, w3, a03);
                    b = TOps.Broadcast(x1[i]);
                    a10 = TOps.MultiplyAdd(b, w0, a10); a11 = TOps.MultiplyAdd(b, w1, a11); a12 = TOps.MultiplyAdd(b, w2, a12); a13 = TOps.MultiplyAdd(b, w3, a13);
                    b = TOps.Broadcast(x2[i]);
                    a20 = TOps.MultiplyAdd(b, w0, a20); a21 = TOps.MultiplyAdd(b, w1, a21); a22 = TOps.MultiplyAdd(b, w2, a22); a23 = TOps.MultiplyAdd(b, w3, a23);
                    b = TOps.Broadcast(x3[i]);
                    a30 = TOps.MultiplyAdd(b, w0, a30); a31 = TOps.MultiplyAdd(b, w1, a31); a32 = TOps.MultiplyAdd(b, w2, a32); a33 = TOps.MultiplyAdd(b, w3, a33);
                }
                TOps.Store(a00, y0 + c); TOps.Store(a01, y0 + c + lanes); TOps.Store(a02, y0 + c + 2 * lanes); TOps.Store(a03, y0 + c + 3 * lanes);
                TOps.Store(a10, y1 + c); TOps.Store(a11, y1 + c + lanes); TOps.Store(a12, y1 + c + 2 * lanes); TOps.Store(a13, y1 + c + 3 * lanes);
                TOps.Store(a20, y2 + c); TOps.Store(a21, y2 + c + lanes); TOps.Store(a22, y2 + c + 2 * lanes); TOps.Store(a23, y2 + c + 3 * lanes);
                TOps.Store(a30, y3 + c); TOps.Store(a31, y3 + c + lanes); TOps.Store(a32, y3 + c + 2 * lanes); TOps.Store(a33, y3 + c + 3 * lanes);
            }
        }
    }

    private static void Accumulate<TOps, TVec>(float* x, int inputs, float* m, int columns, float* start, float* y, Span<int> union)
        where TOps : struct, IVectorOps<TVec> where TVec : struct
    {
        int count = UnionOfNonZeros<TOps, TVec>(x, inputs, union);
        float* x0 = x, x1 = x + inputs, x2 = x + 2 * inputs, x3 = x + 3 * inputs;
        float* y0 = y, y1 = y + columns, y2 = y + 2 * columns, y3 = y + 3 * columns;
        int lanes = TOps.Count;
        fixed (int* indices = union)
        {
            // Two vectors of columns for four rows: eight accumulators, four broadcasts, two loads of M.
            for (int c = 0; c < columns; c += 2 * lanes)
            {
                TVec s0 = start == null ? TOps.Zero : TOps.Load(start + c);
                TVec s1 = start == null ? TOps.Zero : TOps.Load(start + c + lanes);
                TVec a00 = s0, a01 = s1, a10 = s0, a11 = s1, a20 = s0, a21 = s1, a30 = s0, a31 = s1;
                for (int k = 0; k < count; k++)
                {
                    int i = indices[k];
                    float* row = m + (long)i * columns + c;
                    TVec w0 = TOps.Load(row), w1 = TOps.Load(row + lanes);
                    TVec b = TOps.Broadcast(x0[i]);
                    a00 = TOps.MultiplyAdd(b, w0, a00); a01 = TOps.MultiplyAdd(b, w1, a01);
                    b = TOps.Broadcast(x1[i]);
                    a10 = TOps.MultiplyAdd(b, w0, a10); a11 = TOps.MultiplyAdd(b, w1, a11);
                    b = TOps.Broadcast(x2[i]);
                    a20 = TOps.MultiplyAdd(b, w0, a20); a21 = TOps.MultiplyAdd(b, w1, a21);
                    b = TOps.Broadcast(x3[i]);
                    a30 = TOps.MultiplyAdd(b, w0, a30); a31 = TOps.MultiplyAdd(b, w1, a31);
                }
                TOps.Store(a00, y0 + c); TOps.Store(a01, y0 + c + lanes);
                TOps.Store(a10, y1 + c); TOps.Store(a11, y1 + c + lanes);
                TOps.Store(a20, y2 + c); TOps.Store(a21, y2 + c + lanes);
                TOps.Store(a30, y3 + c); TOps.Store(a31, y3 + c + lanes);
            }
        }
    }

    /// <summary>The inputs i, ascending, where any of the four rows of x is non-zero; returns how many.</summary>
    private static int UnionOfNonZeros<TOps, TVec>(float* x, int inputs, Span<int> union)
        where TOps : struct, IVectorOps<TVec> where TVec : struct
    {
        float* x0 = x, x1 = x + inputs, x2 = x + 2 * inputs, x3 = x + 3 * inputs;
        int lanes = TOps.Count, count = 0, i = 0;
        for (; i <= inputs - lanes; i += lanes)
        {
            ulong mask = TOps.NonZeroBits(TOps.Load(x0 + i)) | TOps.NonZeroBits(TOps.Load(x1 + i))
                | TOps.NonZeroBits(TOps.Load(x2 + i)) | TOps.NonZeroBits(TOps.Load(x3 + i));
            // Room for the eight-per-byte writes: count ≤ i, and i + lanes ≤ inputs ≤ union.Length.
            if (lanes < 8)
            {
                // Four lanes (the browser's 128-bit path): too few for AppendSetBits' eight writes per byte.
                for (; mask != 0; mask &= mask - 1) union[count++] = i + BitOperations.TrailingZeroCount(mask);
                continue;
            }
            count = RowKernels.AppendSetBits(mask, lanes, i, ref MemoryMarshal.GetReference(union), count);
        }
        for (; i < inputs; i++)
            if (x0[i] != 0f || x1[i] != 0f || x2[i] != 0f || x3[i] != 0f) union[count++] = i;
        return count;
    }
}
