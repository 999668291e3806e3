using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace ModelGen;

/// <summary>
/// c = start + a·b for dense products, a tile of c held in vector registers while the reduction runs:
/// 6 rows × 4 vectors, 12 rows × 2 vectors or 16 rows × 1 vector (24, 24 or 16 accumulators of the 512-bit
/// path's 32 registers). Each step loads one row of b per vector and broadcasts one value of a per row, so
/// every load feeds several multiply-adds and the loop runs near the multiply-add throughput; the row
/// kernels (<see cref="RowGroupKernels"/>, <see cref="NarrowProduct"/>) hold fewer accumulators, and
/// their zero skipping pays only on sparse inputs (images, not a convolution's patches of ReLU outputs).
/// </summary>
/// <remarks>
/// a's elements are addressed as a[r·ARow + t·AStep], so the same tiles compute a convolution's forward
/// product y = patches·W (ARow = inputs, AStep = 1), its patch gradient dpatches = dz·Wᵀ, and its weight
/// gradient dW += patchesᵀ·dz (the "rows" are dW's rows, ARow = 1, AStep = inputs).
/// Every c element is its start (zero, a bias row, or c itself), then one multiply-add per step in
/// ascending order: exactly the sums of the row kernels, which skip zero inputs (0·w adds nothing to a
/// finite sum). So results are the same bits whichever kernel runs. 512-bit path only: with 16 registers
/// the tiles would spill, and the other paths keep the row kernels.
/// </remarks>
internal static unsafe class RegisterTiles
{
    /// <summary>Floats per vector: c's columns come in whole vectors.</summary>
    public const int Lanes = 16;

    /// <summary>Rows of c per block: a multiple of every tile's height, so a block is walked panel by panel with a in L1.</summary>
    private const int BlockRows = 48;

    /// <summary>The operands of one product: c [rows, Columns] = start + a·b, b [Steps, Columns] with rows BStep apart.</summary>
    public struct Operands
    {
        public float* A, B, Start, C;
        public int ARow, AStep, BStep, CRow, Steps, Columns;

        /// <summary>Whether c's current values are the start (a partial sum to add to); otherwise Start, or zero when Start is null.</summary>
        public bool Accumulate;

        /// <summary>
        /// The reduction in Segments runs of Steps steps (0 means 1), segment k's a and b starting ASegment and BSegment floats
        /// after segment 0's: a convolution's window rows, each a run of its padded image. The sums run segment by segment, in
        /// registers throughout.
        /// </summary>
        public int Segments, ASegment, BSegment;
    }

    /// <summary>Whether the tiles run on this machine.</summary>
    public static bool Available => Vector512.IsHardwareAccelerated;

    /// <summary>Whether a product with this many columns of c can take the tiles.</summary>
    public static bool Suits(int columns) => Available && columns % Lanes == 0 && columns > 0;

    /// <summary>
    /// Whether x [rows, inputs] looks dense enough for the tiles (at least a quarter non-zero in its first
    /// rows): on sparse rows (an MLP's image inputs) the row kernels' zero skipping does less work. Either
    /// choice gives the same bits.
    /// </summary>
    public static bool Dense(float* x, int rows, int inputs)
    {
        long probe = Math.Min(rows, 8) * (long)inputs, nonZero = 0, i = 0;
        if (Available)
            for (; i <= probe - Lanes; i += Lanes)
                nonZero += Lanes - System.Numerics.BitOperations.PopCount(Vector512.Equals(Ops512.Load(x + i), Vector512<float>.Zero).ExtractMostSignificantBits());
        for (; i < probe; i++) nonZero += x[i] != 0f ? 1 : 0;
        return nonZero * 4 >= probe;
    }

    /// <summary>Rows [first, end) of c.</summary>
    public static void Rows(in Operands o, int first, int end)
    {
        int r = first;
        for (; r + BlockRows <= end; r += BlockRows)
            for (int col = 0; col < o.Columns;)
                col += Panel(o, first, r, r + BlockRows, col);
        if (r == end) return;
        for (int col = 0; col < o.Columns;)
            col += Panel(o, first, r, end, col);
    }

    // Rows [first, end) of the widest panel that fits at column col; returns its width. The rows a whole tile does not
    // cover are, when c is not accumulated, the last tile's rows of [lowest, end) computed again (the same sums give the
    // same values, written twice by the same thread); otherwise one row at a time, a chain of dependent multiply-adds.
    private static int Panel(in Operands o, int lowest, int first, int end, int col)
    {
        int left = o.Columns - col, r = first;
        if (left >= 4 * Lanes)
        {
            for (; r + 6 <= end; r += 6) Tile(o, r, col, 6);
            if (r < end && !o.Accumulate && end - 6 >= lowest) Tile(o, end - 6, col, 6);
            else for (; r < end; r++) Row(o, r, col, 4);
            return 4 * Lanes;
        }
        if (left >= 2 * Lanes)
        {
            for (; r + 12 <= end; r += 12) Tile(o, r, col, 12);
            if (r < end && !o.Accumulate && end - 12 >= lowest) Tile(o, end - 12, col, 12);
            else for (; r < end; r++) Row(o, r, col, 2);
            return 2 * Lanes;
        }
        for (; r + 16 <= end; r += 16) Tile(o, r, col, 16);
        if (r < end && !o.Accumulate && end - 16 >= lowest) Tile(o, end - 16, col, 16);
        else for (; r < end; r++) Row(o, r, col, 1);
        return Lanes;
    }

    // The tile of `height` rows from row r at column col (6: 6×4, 12: 12×2, 16: 16×1 vectors).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Tile(in Operands o, int r, int col, int height)
    {
        float* a = o.A + (long)r * o.ARow, b = o.B + col, start = o.Start == null ? null : o.Start + col, c = o.C + (long)r * o.CRow + col;
        var segments = new Segments(o);
        if (height == 6) Tile6x4(a, o.ARow, o.AStep, b, o.BStep, o.Steps, start, o.Accumulate, c, o.CRow, segments);
        else if (height == 12) Tile12x2(a, o.ARow, o.AStep, b, o.BStep, o.Steps, start, o.Accumulate, c, o.CRow, segments);
        else Tile16x1(a, o.ARow, o.AStep, b, o.BStep, o.Steps, start, o.Accumulate, c, o.CRow, segments);
    }

    /// <summary>The reduction's segments (see <see cref="Operands.Segments"/>): count, and a's and b's offset from one to the next.</summary>
    private readonly struct Segments(in Operands o)
    {
        public readonly int Count = Math.Max(1, o.Segments);
        public readonly long A = o.ASegment, B = o.BSegment;
    }

    // One row of c, `vectors` vectors from column col, one vector at a time: the same sums as the tiles.
    private static void Row(in Operands o, int r, int col, int vectors)
    {
        float* a = o.A + (long)r * o.ARow, c = o.C + (long)r * o.CRow + col;
        for (int v = 0; v < vectors; v++)
        {
            float* b = o.B + col + v * Lanes;
            Vector512<float> acc = Initial(o.Start == null ? null : o.Start + col, o.Accumulate, c, v);
            var segments = new Segments(o);
            for (int k = 0; k < segments.Count; k++)
            {
                float* ak = a + k * segments.A, bk = b + k * segments.B;
                for (int t = 0; t < o.Steps; t++)
                    acc = Ops512.MultiplyAdd(Ops512.Broadcast(ak[(long)t * o.AStep]), Ops512.Load(bk + (long)t * o.BStep), acc);
            }
            Ops512.Store(acc, c + v * Lanes);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Initial(float* start, bool accumulate, float* c, int v) =>
        accumulate ? Ops512.Load(c + v * Lanes) : start == null ? Vector512<float>.Zero : Ops512.Load(start + v * Lanes);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Fma(float* a, long offset, Vector512<float> b, Vector512<float> acc) =>
        Ops512.MultiplyAdd(Ops512.Broadcast(a[offset]), b, acc);

    // c[0..6, 0..64) = start + Σ_t a[r·aRow + t·aStep]·b[t·bStep + 0..64).
    private static void Tile6x4(float* a, int aRow, int aStep, float* b, int bStep, int steps, float* start, bool accumulate, float* c, int cRow, Segments segments)
    {
        float* c0 = c, c1 = c + cRow, c2 = c + 2 * cRow, c3 = c + 3 * cRow, c4 = c + 4 * cRow, c5 = c + 5 * cRow;
        Vector512<float> a00 = Initial(start, accumulate, c0, 0), a01 = Initial(start, accumulate, c0, 1), a02 = Initial(start, accumulate, c0, 2), a03 = Initial(start, accumulate, c0, 3);
        Vector512<float> a10 = Initial(start, accumulate, c1, 0), a11 = Initial(start, accumulate, c1, 1), a12 = Initial(start, accumulate, c1, 2), a13 = Initial(start, accumulate, c1, 3);
        Vector512<float> a20 = Initial(start, accumulate, c2, 0), a21 = Initial(start, accumulate, c2, 1), a22 = Initial(start, accumulate, c2, 2), a23 = Initial(start, accumulate, c2, 3);
        Vector512<float> a30 = Initial(start, accumulate, c3, 0), a31 = Initial(start, accumulate, c3, 1), a32 = Initial(start, accumulate, c3, 2), a33 = Initial(start, accumulate, c3, 3);
        Vector512<float> a40 = Initial(start, accumulate, c4, 0), a41 = Initial(start, accumulate, c4, 1), a42 = Initial(start, accumulate, c4, 2), a43 = Initial(start, accumulate, c4, 3);
        Vector512<float> a50 = Initial(start, accumulate, c5, 0), a51 = Initial(start, accumulate, c5, 1), a52 = Initial(start, accumulate, c5, 2), a53 = Initial(start, accumulate, c5, 3);
        long r = aRow, r2 = 2L * aRow, r3 = 3L * aRow;
        for (int k = 0; k < segments.Count; k++)
        {
        float* p0 = a + k * segments.A, p4 = p0 + 4L * aRow, bt = b + k * segments.B;
        for (int t = 0; t < steps; t++, p0 += aStep, p4 += aStep, bt += bStep)
        {
            Vector512<float> b0 = Ops512.Load(bt), b1 = Ops512.Load(bt + Lanes), b2 = Ops512.Load(bt + 2 * Lanes), b3 = Ops512.Load(bt + 3 * Lanes);
            Vector512<float> x = Ops512.Broadcast(p0[0]);
            a00 = Ops512.MultiplyAdd(x, b0, a00); a01 = Ops512.MultiplyAdd(x, b1, a01); a02 = Ops512.MultiplyAdd(x, b2, a02); a03 = Ops512.MultiplyAdd(x, b3, a03);
            x = Ops512.Broadcast(p0[r]);
            a10 = Ops512.MultiplyAdd(x, b0, a10); a11 = Ops512.MultiplyAdd(x, b1, a11); a12 = Ops512.MultiplyAdd(x, b2, a12); a13 = Ops512.MultiplyAdd(x, b3, a13);
            x = Ops512.Broadcast(p0[r2]);
            a20 = Ops512.MultiplyAdd(x, b0, a20); a21 = Ops512.MultiplyAdd(x, b1, a21); a22 = Ops512.MultiplyAdd(x, b2, a22); a23 = Ops512.MultiplyAdd(x, b3, a23);
            x = Ops512.Broadcast(p0[r3]);
            a30 = Ops512.MultiplyAdd(x, b0, a30); a31 = Ops512.MultiplyAdd(x, b1, a31); a32 = Ops512.MultiplyAdd(x, b2, a32); a33 = Ops512.MultiplyAdd(x, b3, a33);
            x = Ops512.Broadcast(p4[0]);
            a40 = Ops512.MultiplyAdd(x, b0, a40); a41 = Ops512.MultiplyAdd(x, b1, a41); a42 = Ops512.MultiplyAdd(x, b2, a42); a43 = Ops512.MultiplyAdd(x, b3, a43);
            x = Ops512.Broadcast(p4[r]);
            a50 = Ops512.MultiplyAdd(x, b0, a50); a51 = Ops512.MultiplyAdd(x, b1, a51); a52 = Ops512.MultiplyAdd(x, b2, a52); a53 = Ops512.MultiplyAdd(x, b3, a53);
        }
        }
        Ops512.Store(a00, c0); Ops512.Store(a01, c0 + Lanes); Ops512.Store(a02, c0 + 2 * Lanes); Ops512.Store(a03, c0 + 3 * Lanes);
        Ops512.Store(a10, c1); Ops512.Store(a11, c1 + Lanes); Ops512.Store(a12, c1 + 2 * Lanes); Ops512.Store(a13, c1 + 3 * Lanes);
        Ops512.Store(a20, c2); Ops512.Store(a21, c2 + Lanes); Ops512.Store(a22, c2 + 2 * Lanes); Ops512.Store(a23, c2 + 3 * Lanes);
        Ops512.Store(a30, c3); Ops512.Store(a31, c3 + Lanes); Ops512.Store(a32, c3 + 2 * Lanes); Ops512.Store(a33, c3 + 3 * Lanes);
        Ops512.Store(a40, c4); Ops512.Store(a41, c4 + Lanes); Ops512.Store(a42, c4 + 2 * Lanes); Ops512.Store(a43, c4 + 3 * Lanes);
        Ops512.Store(a50, c5); Ops512.Store(a51, c5 + Lanes); Ops512.Store(a52, c5 + 2 * Lanes); Ops512.Store(a53, c5 + 3 * Lanes);
    }

    // c[0..12, 0..32) = start + Σ_t a[r·aRow + t·aStep]·b[t·bStep + 0..32).
    private static void Tile12x2(float* a, int aRow, int aStep, float* b, int bStep, int steps, float* start, bool accumulate, float* c, int cRow, Segments segments)
    {
        float* c0 = c, c1 = c + cRow, c2 = c + 2 * cRow, c3 = c + 3 * cRow, c4 = c + 4 * cRow, c5 = c + 5 * cRow;
        float* c6 = c + 6 * cRow, c7 = c + 7 * cRow, c8 = c + 8 * cRow, c9 = c + 9 * cRow, c10 = c + 10 * cRow, c11 = c + 11 * cRow;
        Vector512<float> a00 = Initial(start, accumulate, c0, 0), a01 = Initial(start, accumulate, c0, 1);
        Vector512<float> a10 = Initial(start, accumulate, c1, 0), a11 = Initial(start, accumulate, c1, 1);
        Vector512<float> a20 = Initial(start, accumulate, c2, 0), a21 = Initial(start, accumulate, c2, 1);
        Vector512<float> a30 = Initial(start, accumulate, c3, 0), a31 = Initial(start, accumulate, c3, 1);
        Vector512<float> a40 = Initial(start, accumulate, c4, 0), a41 = Initial(start, accumulate, c4, 1);
        Vector512<float> a50 = Initial(start, accumulate, c5, 0), a51 = Initial(start, accumulate, c5, 1);
        Vector512<float> a60 = Initial(start, accumulate, c6, 0), a61 = Initial(start, accumulate, c6, 1);
        Vector512<float> a70 = Initial(start, accumulate, c7, 0), a71 = Initial(start, accumulate, c7, 1);
        Vector512<float> a80 = Initial(start, accumulate, c8, 0), a81 = Initial(start, accumulate, c8, 1);
        Vector512<float> a90 = Initial(start, accumulate, c9, 0), a91 = Initial(start, accumulate, c9, 1);
        Vector512<float> aA0 = Initial(start, accumulate, c10, 0), aA1 = Initial(start, accumulate, c10, 1);
        Vector512<float> aB0 = Initial(start, accumulate, c11, 0), aB1 = Initial(start, accumulate, c11, 1);
        long r = aRow, r2 = 2L * aRow, r3 = 3L * aRow;
        for (int k = 0; k < segments.Count; k++)
        {
        float* p0 = a + k * segments.A, p4 = p0 + 4L * aRow, p8 = p0 + 8L * aRow, bt = b + k * segments.B;
        for (int t = 0; t < steps; t++, p0 += aStep, p4 += aStep, p8 += aStep, bt += bStep)
        {
            Vector512<float> b0 = Ops512.Load(bt), b1 = Ops512.Load(bt + Lanes);
            Vector512<float> x = Ops512.Broadcast(p0[0]);
            a00 = Ops512.MultiplyAdd(x, b0, a00); a01 = Ops512.MultiplyAdd(x, b1, a01);
            x = Ops512.Broadcast(p0[r]);
            a10 = Ops512.MultiplyAdd(x, b0, a10); a11 = Ops512.MultiplyAdd(x, b1, a11);
            x = Ops512.Broadcast(p0[r2]);
            a20 = Ops512.MultiplyAdd(x, b0, a20); a21 = Ops512.MultiplyAdd(x, b1, a21);
            x = Ops512.Broadcast(p0[r3]);
            a30 = Ops512.MultiplyAdd(x, b0, a30); a31 = Ops512.MultiplyAdd(x, b1, a31);
            x = Ops512.Broadcast(p4[0]);
            a40 = Ops512.MultiplyAdd(x, b0, a40); a41 = Ops512.MultiplyAdd(x, b1, a41);
            x = Ops512.Broadcast(p4[r]);
            a50 = Ops512.MultiplyAdd(x, b0, a50); a51 = Ops512.MultiplyAdd(x, b1, a51);
            x = Ops512.Broadcast(p4[r2]);
            a60 = Ops512.MultiplyAdd(x, b0, a60); a61 = Ops512.MultiplyAdd(x, b1, a61);
            x = Ops512.Broadcast(p4[r3]);
            a70 = Ops512.MultiplyAdd(x, b0, a70); a71 = Ops512.MultiplyAdd(x, b1, a71);
            x = Ops512.Broadcast(p8[0]);
            a80 = Ops512.MultiplyAdd(x, b0, a80); a81 = Ops512.MultiplyAdd(x, b1, a81);
            x = Ops512.Broadcast(p8[r]);
            a90 = Ops512.MultiplyAdd(x, b0, a90); a91 = Ops512.MultiplyAdd(x, b1, a91);
            x = Ops512.Broadcast(p8[r2]);
            aA0 = Ops512.MultiplyAdd(x, b0, aA0); aA1 = Ops512.MultiplyAdd(x, b1, aA1);
            x = Ops512.Broadcast(p8[r3]);
            aB0 = Ops512.MultiplyAdd(x, b0, aB0); aB1 = Ops512.MultiplyAdd(x, b1, aB1);
        }
        }
        Ops512.Store(a00, c0); Ops512.Store(a01, c0 + Lanes); Ops512.Store(a10, c1); Ops512.Store(a11, c1 + Lanes);
        Ops512.Store(a20, c2); Ops512.Store(a21, c2 + Lanes); Ops512.Store(a30, c3); Ops512.Store(a31, c3 + Lanes);
        Ops512.Store(a40, c4); Ops512.Store(a41, c4 + Lanes); Ops512.Store(a50, c5); Ops512.Store(a51, c5 + Lanes);
        Ops512.Store(a60, c6); Ops512.Store(a61, c6 + Lanes); Ops512.Store(a70, c7); Ops512.Store(a71, c7 + Lanes);
        Ops512.Store(a80, c8); Ops512.Store(a81, c8 + Lanes); Ops512.Store(a90, c9); Ops512.Store(a91, c9 + Lanes);
        Ops512.Store(aA0, c10); Ops512.Store(aA1, c10 + Lanes); Ops512.Store(aB0, c11); Ops512.Store(aB1, c11 + Lanes);
    }

    // c[0..16, 0..16) = start + Σ_t a[r·aRow + t·aStep]·b[t·bStep + 0..16).
    private static void Tile16x1(float* a, int aRow, int aStep, float* b, int bStep, int steps, float* start, bool accumulate, float* c, int cRow, Segments segments)
    {
        Vector512<float> a0 = Initial(start, accumulate, c, 0), a1 = Initial(start, accumulate, c + cRow, 0);
        Vector512<float> a2 = Initial(start, accumulate, c + 2 * cRow, 0), a3 = Initial(start, accumulate, c + 3 * cRow, 0);
        Vector512<float> a4 = Initial(start, accumulate, c + 4 * cRow, 0), a5 = Initial(start, accumulate, c + 5 * cRow, 0);
        Vector512<float> a6 = Initial(start, accumulate, c + 6 * cRow, 0), a7 = Initial(start, accumulate, c + 7 * cRow, 0);
        Vector512<float> a8 = Initial(start, accumulate, c + 8 * cRow, 0), a9 = Initial(start, accumulate, c + 9 * cRow, 0);
        Vector512<float> aA = Initial(start, accumulate, c + 10 * cRow, 0), aB = Initial(start, accumulate, c + 11 * cRow, 0);
        Vector512<float> aC = Initial(start, accumulate, c + 12 * cRow, 0), aD = Initial(start, accumulate, c + 13 * cRow, 0);
        Vector512<float> aE = Initial(start, accumulate, c + 14 * cRow, 0), aF = Initial(start, accumulate, c + 15 * cRow, 0);
        // Four row pointers that advance each step, the other rows at +r, +2r, +3r: every broadcast's address
        // is one register plus a scaled one, with no multiplication in the loop.
        long r = aRow, r2 = 2L * aRow, r3 = 3L * aRow;
        for (int k = 0; k < segments.Count; k++)
        {
        float* p0 = a + k * segments.A, p4 = p0 + 4L * aRow, p8 = p0 + 8L * aRow, p12 = p0 + 12L * aRow, bt = b + k * segments.B;
        for (int t = 0; t < steps; t++, p0 += aStep, p4 += aStep, p8 += aStep, p12 += aStep, bt += bStep)
        {
            Vector512<float> b0 = Ops512.Load(bt);
            a0 = Fma(p0, 0, b0, a0); a1 = Fma(p0, r, b0, a1); a2 = Fma(p0, r2, b0, a2); a3 = Fma(p0, r3, b0, a3);
            a4 = Fma(p4, 0, b0, a4); a5 = Fma(p4, r, b0, a5); a6 = Fma(p4, r2, b0, a6); a7 = Fma(p4, r3, b0, a7);
            a8 = Fma(p8, 0, b0, a8); a9 = Fma(p8, r, b0, a9); aA = Fma(p8, r2, b0, aA); aB = Fma(p8, r3, b0, aB);
            aC = Fma(p12, 0, b0, aC); aD = Fma(p12, r, b0, aD); aE = Fma(p12, r2, b0, aE); aF = Fma(p12, r3, b0, aF);
        }
        }
        Ops512.Store(a0, c); Ops512.Store(a1, c + cRow); Ops512.Store(a2, c + 2 * cRow); Ops512.Store(a3, c + 3 * cRow);
        Ops512.Store(a4, c + 4 * cRow); Ops512.Store(a5, c + 5 * cRow); Ops512.Store(a6, c + 6 * cRow); Ops512.Store(a7, c + 7 * cRow);
        Ops512.Store(a8, c + 8 * cRow); Ops512.Store(a9, c + 9 * cRow); Ops512.Store(aA, c + 10 * cRow); Ops512.Store(aB, c + 11 * cRow);
        Ops512.Store(aC, c + 12 * cRow); Ops512.Store(aD, c + 13 * cRow); Ops512.Store(aE, c + 14 * cRow); Ops512.Store(aF, c + 15 * cRow);
    }
}
