using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace ModelGen;

/// <summary>How a row kernel finds the coefficient of its k-th listed row i_k.</summary>
internal interface ICoefficientLookup
{
    static abstract float Get(ref float x, int position, int index);
}

/// <summary>The coefficient is x[i_k]: x is a whole (sparse) row.</summary>
internal struct ByIndex : ICoefficientLookup
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Get(ref float x, int position, int index) => Unsafe.Add(ref x, index);
}

/// <summary>The coefficient is x[k]: x holds only the listed values, in list order.</summary>
internal struct ByPosition : ICoefficientLookup
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Get(ref float x, int position, int index) => Unsafe.Add(ref x, position);
}

/// <summary>
/// The inner loops of <see cref="Kernels"/>, on one row at a time, written once over
/// <see cref="IVectorOps{TVec}"/> and run at the machine's widest vector (<see cref="VectorPath"/>).
/// Callers have checked every length; these use unchecked references for speed.
/// </summary>
internal static class RowKernels
{
    /// <summary>Writes the indices of <paramref name="row"/>'s non-zero values; returns how many. <paramref name="indices"/> must be as long as the row.</summary>
    public static int NonZeroIndices(ReadOnlySpan<float> row, Span<int> indices)
    {
        if (indices.Length < row.Length) ThrowIndicesTooShort();
        if (Vector512.IsHardwareAccelerated) return NonZeroIndicesByTable<Ops512, Vector512<float>>(row, indices);
        if (Vector256.IsHardwareAccelerated) return NonZeroIndicesByTable<Ops256, Vector256<float>>(row, indices);
        if (Vector128.IsHardwareAccelerated) return NonZeroIndices<Ops128, Vector128<float>>(row, indices);
        return NonZeroIndices<OpsScalar, float>(row, indices);
    }

    private static int NonZeroIndices<TOps, TVec>(ReadOnlySpan<float> row, Span<int> indices)
        where TOps : struct, IVectorOps<TVec> where TVec : struct
    {
        ref float r = ref MemoryMarshal.GetReference(row);
        ref int idx = ref MemoryMarshal.GetReference(indices);
        int n = row.Length, count = 0, i = 0, lanes = TOps.Count;
        // A vector compare gives a bit per non-zero lane; each set bit is one index.
        for (; i <= n - lanes; i += lanes)
        {
            ulong mask = TOps.NonZeroBits(TOps.Load(ref r, (nuint)i));
            while (mask != 0)
            {
                Unsafe.Add(ref idx, count++) = i + BitOperations.TrailingZeroCount(mask);
                mask &= mask - 1;
            }
        }
        for (; i < n; i++) if (Unsafe.Add(ref r, i) != 0f) Unsafe.Add(ref idx, count++) = i;
        return count;
    }

    // For each byte of a compare mask, the positions of its set bits, padded to eight.
    private static readonly int[] s_bytePositions = BytePositions();

    private static int[] BytePositions()
    {
        var table = new int[256 * 8];
        for (int b = 0; b < 256; b++)
            for (int bit = 0, k = 0; bit < 8; bit++)
                if ((b >> bit & 1) != 0) table[b * 8 + k++] = bit;
        return table;
    }

    // The same list without a branch per non-zero value (on MNIST rows and ReLU outputs, whose zeros
    // follow no pattern, that branch was mispredicted once per vector and cost more than the scan): each
    // byte of the compare mask writes all eight of its table positions, plus the byte's first index,
    // and the count moves on by the byte's set bits. The eight writes never pass the row's end in
    // `indices`: count ≤ the values scanned before the byte, and the byte's eight values are in the row.
    private static int NonZeroIndicesByTable<TOps, TVec>(ReadOnlySpan<float> row, Span<int> indices)
        where TOps : struct, IVectorOps<TVec> where TVec : struct
    {
        ref float r = ref MemoryMarshal.GetReference(row);
        ref int idx = ref MemoryMarshal.GetReference(indices);
        int n = row.Length, count = 0, i = 0, lanes = TOps.Count;
        for (; i <= n - lanes; i += lanes)
            count = AppendSetBits(TOps.NonZeroBits(TOps.Load(ref r, (nuint)i)), lanes, i, ref idx, count);
        for (; i < n; i++) if (Unsafe.Add(ref r, i) != 0f) Unsafe.Add(ref idx, count++) = i;
        return count;
    }

    /// <summary>
    /// Appends first + j for every set bit j of <paramref name="mask"/> (bits [0, lanes), lanes a multiple
    /// of 8) at indices[count..]; returns the new count. It writes eight values per byte of the mask, so
    /// indices must have room for count + lanes values.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int AppendSetBits(ulong mask, int lanes, int first, ref int indices, int count)
    {
        ref int table = ref MemoryMarshal.GetArrayDataReference(s_bytePositions);
        for (int b = 0; b < lanes; b += 8, mask >>= 8)
        {
            int bits = (int)(mask & 0xFF);
            Vector256<int> positions = Vector256.LoadUnsafe(ref table, (nuint)(bits * 8)) + Vector256.Create(first + b);
            positions.StoreUnsafe(ref indices, (nuint)count);
            count += BitOperations.PopCount((uint)bits);
        }
        return count;
    }

    private static void ThrowIndicesTooShort() =>
        throw new ArgumentException("The index list must be as long as the row.", "indices");

    /// <summary>
    /// y = start + Σ_k x[i_k] · M[i_k, :] over the listed rows i_k of M [.., columns]; start is the
    /// bias, or zero when <paramref name="start"/> is empty.
    /// </summary>
    /// <remarks>
    /// Every y[c] is start[c] followed by one multiply-add per listed row, in list order, whatever the
    /// vector width: on machines with FMA the 512-, 256- and 128-bit paths give bit-identical results.
    /// </remarks>
    public static void AccumulateRows<TLookup>(ReadOnlySpan<float> x, ReadOnlySpan<int> indices, ReadOnlySpan<float> m, int columns,
        ReadOnlySpan<float> start, Span<float> y)
        where TLookup : struct, ICoefficientLookup
    {
        if (Vector512.IsHardwareAccelerated) AccumulateRows<Ops512, Vector512<float>, TLookup>(x, indices, m, columns, start, y);
        else if (Vector256.IsHardwareAccelerated) AccumulateRows<Ops256, Vector256<float>, TLookup>(x, indices, m, columns, start, y);
        else if (Vector128.IsHardwareAccelerated) AccumulateRows<Ops128, Vector128<float>, TLookup>(x, indices, m, columns, start, y);
        else AccumulateRows<OpsScalar, float, TLookup>(x, indices, m, columns, start, y);
    }

    private static void AccumulateRows<TOps, TVec, TLookup>(ReadOnlySpan<float> x, ReadOnlySpan<int> indices, ReadOnlySpan<float> m, int columns,
        ReadOnlySpan<float> start, Span<float> y)
        where TOps : struct, IVectorOps<TVec> where TVec : struct where TLookup : struct, ICoefficientLookup
    {
        ref float xr = ref MemoryMarshal.GetReference(x);
        ref int ir = ref MemoryMarshal.GetReference(indices);
        ref float mr = ref MemoryMarshal.GetReference(m);
        ref float yr = ref MemoryMarshal.GetReference(y);
        bool hasStart = !start.IsEmpty;
        ref float sr = ref MemoryMarshal.GetReference(start);
        int count = indices.Length, lanes = TOps.Count, block = 8 * lanes;
        nuint l1 = (nuint)lanes, l2 = 2 * l1, l3 = 3 * l1, l4 = 4 * l1, l5 = 5 * l1, l6 = 6 * l1, l7 = 7 * l1;
        int c = 0;
        // In the browser (the 128-bit path under .NET's interpreter, where registers do not matter but every loop
        // step's index, coefficient and address cost as much as a multiply-add): sixteen vectors at a time.
        if (RowGroupKernels.Browser && lanes == 4)
            for (; c <= columns - 64; c += 64)
                AccumulateSixteen<TOps, TVec, TLookup>(ref xr, ref ir, count, ref mr, columns, c, hasStart, ref sr, ref yr);
        // Eight vectors of columns at a time (128 at 512 bits, 64 at 256): the eight accumulators stay
        // in registers across the whole sum, and each loaded row of M feeds eight multiply-adds.
        for (; c <= columns - block; c += block)
        {
            TVec a0, a1, a2, a3, a4, a5, a6, a7;
            if (hasStart)
            {
                ref float s = ref Unsafe.Add(ref sr, c);
                a0 = TOps.Load(ref s, 0); a1 = TOps.Load(ref s, l1); a2 = TOps.Load(ref s, l2); a3 = TOps.Load(ref s, l3);
                a4 = TOps.Load(ref s, l4); a5 = TOps.Load(ref s, l5); a6 = TOps.Load(ref s, l6); a7 = TOps.Load(ref s, l7);
            }
            else
            {
                a0 = a1 = a2 = a3 = a4 = a5 = a6 = a7 = TOps.Zero;
            }
            for (int k = 0; k < count; k++)
            {
                int i = Unsafe.Add(ref ir, k);
                TVec xi = TOps.Broadcast(TLookup.Get(ref xr, k, i));
                ref float row = ref Unsafe.Add(ref mr, (nint)i * columns + c);
                a0 = TOps.MultiplyAdd(xi, TOps.Load(ref row, 0), a0);
                a1 = TOps.MultiplyAdd(xi, TOps.Load(ref row, l1), a1);
                a2 = TOps.MultiplyAdd(xi, TOps.Load(ref row, l2), a2);
                a3 = TOps.MultiplyAdd(xi, TOps.Load(ref row, l3), a3);
                a4 = TOps.MultiplyAdd(xi, TOps.Load(ref row, l4), a4);
                a5 = TOps.MultiplyAdd(xi, TOps.Load(ref row, l5), a5);
                a6 = TOps.MultiplyAdd(xi, TOps.Load(ref row, l6), a6);
                a7 = TOps.MultiplyAdd(xi, TOps.Load(ref row, l7), a7);
            }
            ref float o = ref Unsafe.Add(ref yr, c);
            TOps.Store(a0, ref o, 0); TOps.Store(a1, ref o, l1); TOps.Store(a2, ref o, l2); TOps.Store(a3, ref o, l3);
            TOps.Store(a4, ref o, l4); TOps.Store(a5, ref o, l5); TOps.Store(a6, ref o, l6); TOps.Store(a7, ref o, l7);
        }
        // One vector of columns at a time.
        for (; c <= columns - lanes; c += lanes)
        {
            TVec a = hasStart ? TOps.Load(ref sr, (nuint)c) : TOps.Zero;
            for (int k = 0; k < count; k++)
            {
                int i = Unsafe.Add(ref ir, k);
                a = TOps.MultiplyAdd(TOps.Broadcast(TLookup.Get(ref xr, k, i)), TOps.Load(ref Unsafe.Add(ref mr, (nint)i * columns + c), 0), a);
            }
            TOps.Store(a, ref yr, (nuint)c);
        }
        int tail = columns - c;
        if (tail == 0) return;
        // The last few columns start from start (or zero), as the others did.
        Span<float> yTail = MemoryMarshal.CreateSpan(ref Unsafe.Add(ref yr, c), tail);
        ReadOnlySpan<float> startTail = hasStart ? start.Slice(c, tail) : default;
        int k0 = 0;
        if (m.Length < c + lanes)
        {
            if (hasStart) startTail.CopyTo(yTail);
            else yTail.Clear();
        }
        else
        {
            // The last columns as one vector: for the rows of M that have a whole vector from column c on
            // (running into the next row), load it and keep only the first `tail` lanes. Indices are
            // ascending, so those rows come first; the scalar loop below finishes the rest.
            int lastSafeRow = (m.Length - c - lanes) / columns;
            Span<float> buffer = stackalloc float[lanes];
            buffer.Clear();
            startTail.CopyTo(buffer);
            ref float br = ref MemoryMarshal.GetReference(buffer);
            TVec a = TOps.Load(ref br, 0);
            for (; k0 < count; k0++)
            {
                int i = Unsafe.Add(ref ir, k0);
                if (i > lastSafeRow) break;
                a = TOps.MultiplyAdd(TOps.Broadcast(TLookup.Get(ref xr, k0, i)), TOps.Load(ref Unsafe.Add(ref mr, (nint)i * columns + c), 0), a);
            }
            TOps.Store(a, ref br, 0);
            buffer.Slice(0, tail).CopyTo(yTail);
        }
        // The last few columns of the remaining rows, one at a time.
        for (; c < columns; c++)
        {
            float a = Unsafe.Add(ref yr, c);
            for (int k = k0; k < count; k++)
            {
                int i = Unsafe.Add(ref ir, k);
                a = OpsScalar.MultiplyAdd(TLookup.Get(ref xr, k, i), Unsafe.Add(ref mr, (nint)i * columns + c), a);
            }
            Unsafe.Add(ref yr, c) = a;
        }
    }

    // Columns [c, c + 64) of AccumulateRows' y with four-lane vectors: the same sums in the same order, in sixteen accumulators.
    private static void AccumulateSixteen<TOps, TVec, TLookup>(ref float xr, ref int ir, int count, ref float mr, int columns, int c,
        bool hasStart, ref float sr, ref float yr)
        where TOps : struct, IVectorOps<TVec> where TVec : struct where TLookup : struct, ICoefficientLookup
    {
        TVec a0, a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11, a12, a13, a14, a15;
        if (hasStart)
        {
            ref float s = ref Unsafe.Add(ref sr, c);
            a0 = TOps.Load(ref s, 0); a1 = TOps.Load(ref s, 4); a2 = TOps.Load(ref s, 8); a3 = TOps.Load(ref s, 12);
            a4 = TOps.Load(ref s, 16); a5 = TOps.Load(ref s, 20); a6 = TOps.Load(ref s, 24); a7 = TOps.Load(ref s, 28);
            a8 = TOps.Load(ref s, 32); a9 = TOps.Load(ref s, 36); a10 = TOps.Load(ref s, 40); a11 = TOps.Load(ref s, 44);
            a12 = TOps.Load(ref s, 48); a13 = TOps.Load(ref s, 52); a14 = TOps.Load(ref s, 56); a15 = TOps.Load(ref s, 60);
        }
        else
        {
            a0 = a1 = a2 = a3 = a4 = a5 = a6 = a7 = a8 = a9 = a10 = a11 = a12 = a13 = a14 = a15 = TOps.Zero;
        }
        for (int k = 0; k < count; k++)
        {
            int i = Unsafe.Add(ref ir, k);
            TVec xi = TOps.Broadcast(TLookup.Get(ref xr, k, i));
            ref float row = ref Unsafe.Add(ref mr, (nint)i * columns + c);
            a0 = TOps.MultiplyAdd(xi, TOps.Load(ref row, 0), a0); a1 = TOps.MultiplyAdd(xi, TOps.Load(ref row, 4), a1);
            a2 = TOps.MultiplyAdd(xi, TOps.Load(ref row, 8), a2); a3 = TOps.MultiplyAdd(xi, TOps.Load(ref row, 12), a3);
            a4 = TOps.MultiplyAdd(xi, TOps.Load(ref row, 16), a4); a5 = TOps.MultiplyAdd(xi, TOps.Load(ref row, 20), a5);
            a6 = TOps.MultiplyAdd(xi, TOps.Load(ref row, 24), a6); a7 = TOps.MultiplyAdd(xi, TOps.Load(ref row, 28), a7);
            a8 = TOps.MultiplyAdd(xi, TOps.Load(ref row, 32), a8); a9 = TOps.MultiplyAdd(xi, TOps.Load(ref row, 36), a9);
            a10 = TOps.MultiplyAdd(xi, TOps.Load(ref row, 40), a10); a11 = TOps.MultiplyAdd(xi, TOps.Load(ref row, 44), a11);
            a12 = TOps.MultiplyAdd(xi, TOps.Load(ref row, 48), a12); a13 = TOps.MultiplyAdd(xi, TOps.Load(ref row, 52), a13);
            a14 = TOps.MultiplyAdd(xi, TOps.Load(ref row, 56), a14); a15 = TOps.MultiplyAdd(xi, TOps.Load(ref row, 60), a15);
        }
        ref float o = ref Unsafe.Add(ref yr, c);
        TOps.Store(a0, ref o, 0); TOps.Store(a1, ref o, 4); TOps.Store(a2, ref o, 8); TOps.Store(a3, ref o, 12);
        TOps.Store(a4, ref o, 16); TOps.Store(a5, ref o, 20); TOps.Store(a6, ref o, 24); TOps.Store(a7, ref o, 28);
        TOps.Store(a8, ref o, 32); TOps.Store(a9, ref o, 36); TOps.Store(a10, ref o, 40); TOps.Store(a11, ref o, 44);
        TOps.Store(a12, ref o, 48); TOps.Store(a13, ref o, 52); TOps.Store(a14, ref o, 56); TOps.Store(a15, ref o, 60);
    }
}
