using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace ModelGen;

/// <summary>
/// dW = xᵀ·dz for tall products: many rows and a small dW, as in a convolution, whose patch matrix has a
/// row per output pixel of every sample. The rows are cut into a fixed number of blocks, each with its own
/// partial dW; a block is walked in tiles of rows small enough to stay in L1, and for each dW row the
/// tile's x[r, i]·dz[r, :] are summed in registers, in row order (for few units, rank-one updates of
/// the partial from each row's non-zero x instead). Zeros of x are not skipped: a patch matrix
/// is mostly dense, and where it is not (a first layer's image) the work is small and a data-dependent
/// branch costs more than the multiply-adds it saves. The partials are then summed in block order. The block count does not depend on the number of threads,
/// so the result is bit-identical whatever the thread count or timing.
/// </summary>
internal static unsafe class TallWeightGradient
{
    /// <summary>Row blocks per call: enough to keep every core busy, fixed so results never depend on the core count.</summary>
    private const int Blocks = 16;

    /// <summary>Inputs up to this many get their non-zero index list on the stack.</summary>
    public const int MaxInputs = 4096;

    // Partial dW per block, owned by the calling thread: a thread makes one call at a time, and the
    // pool's workers only write into the buffer of the call they are helping.
    [ThreadStatic] private static float[]? t_partials;

    /// <summary>Whether the tall strategy suits a product of this shape.</summary>
    public static bool Suits(int rows, int inputs, int units) =>
        rows >= 1024 && rows >= 4L * inputs && inputs <= MaxInputs && (long)Blocks * inputs * units <= 1 << 24;

    public static void Run(float* x, float* dz, float* dw, int rows, int inputs, int units, bool parallel)
    {
        int size = inputs * units;
        float[] partials = t_partials ??= [];
        if (partials.Length < Blocks * size) t_partials = partials = new float[Blocks * size];
        fixed (float* pp = partials)
        {
            var args = new KernelArgs { A = x, B = dz, C = pp, Rows = rows, Inputs = inputs, Units = units };
            WorkerPool.Run(&BlockPart, ref args, parallel);
            // The sum over blocks, in block order.
            var target = new Span<float>(dw, size);
            new ReadOnlySpan<float>(pp, size).CopyTo(target);
            for (int b = 1; b < Blocks; b++) Simd.Add(new ReadOnlySpan<float>(pp + (long)b * size, size), target);
        }
    }

    /// <summary>Rows per tile inside a block: the tile's x and dz stay in L1 while every dW row is summed over it.</summary>
    private const int TileRows = 128;

    // Chunk c of n computes blocks [c·Blocks/n, (c+1)·Blocks/n): each block's partial is the same whoever computes it.
    private static void BlockPart(ref KernelArgs a, int chunk, int chunks)
    {
        var (firstBlock, endBlock) = WorkerPool.Range(Blocks, chunk, chunks);
        int inputs = a.Inputs, units = a.Units;
        Span<int> nonZero = stackalloc int[inputs];
        for (int b = firstBlock; b < endBlock; b++)
        {
            var (first, end) = WorkerPool.Range(a.Rows, b, Blocks);
            float* partial = a.C + (long)b * inputs * units;
            new Span<float>(partial, inputs * units).Clear();
            // Each partial element sums its rows in order, tile after tile.
            for (int tile = first; tile < end; tile += TileRows)
            {
                int count = Math.Min(TileRows, end - tile);
                float* x = a.A + (long)tile * inputs;
                float* dz = a.B + (long)tile * units;
                if (units >= 64)
                    for (int i = 0; i < inputs; i++) AccumulateRow(x + i, inputs, dz, units, count, partial + (long)i * units);
                else
                    AddRankOne(x, inputs, dz, units, count, partial, nonZero);
            }
        }
    }

    /// <summary>
    /// dw[0..units) += Σ_k x[k·stride]·dz[k·units + 0..units) over <paramref name="count"/> rows, in row
    /// order: 64 columns at a time in eight accumulators that stay in registers (one load of dz per
    /// multiply-add, as in the forward row kernel), then 8 at a time, then one by one. A zero x adds
    /// nothing to a finite sum.
    /// </summary>
    private static void AccumulateRow(float* x, int stride, float* dz, int units, int count, float* dw)
    {
        int u = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            for (; u <= units - 64; u += 64)
            {
                float* d = dw + u;
                Vector256<float> a0 = Vector256.Load(d), a1 = Vector256.Load(d + 8), a2 = Vector256.Load(d + 16), a3 = Vector256.Load(d + 24);
                Vector256<float> a4 = Vector256.Load(d + 32), a5 = Vector256.Load(d + 40), a6 = Vector256.Load(d + 48), a7 = Vector256.Load(d + 56);
                float* row = dz + u;
                for (int k = 0; k < count; k++, row += units)
                {
                    var s = Vector256.Create(x[(long)k * stride]);
                    a0 = Vector256.FusedMultiplyAdd(s, Vector256.Load(row), a0);
                    a1 = Vector256.FusedMultiplyAdd(s, Vector256.Load(row + 8), a1);
                    a2 = Vector256.FusedMultiplyAdd(s, Vector256.Load(row + 16), a2);
                    a3 = Vector256.FusedMultiplyAdd(s, Vector256.Load(row + 24), a3);
                    a4 = Vector256.FusedMultiplyAdd(s, Vector256.Load(row + 32), a4);
                    a5 = Vector256.FusedMultiplyAdd(s, Vector256.Load(row + 40), a5);
                    a6 = Vector256.FusedMultiplyAdd(s, Vector256.Load(row + 48), a6);
                    a7 = Vector256.FusedMultiplyAdd(s, Vector256.Load(row + 56), a7);
                }
                a0.Store(d); a1.Store(d + 8); a2.Store(d + 16); a3.Store(d + 24);
                a4.Store(d + 32); a5.Store(d + 40); a6.Store(d + 48); a7.Store(d + 56);
            }
            for (; u <= units - 8; u += 8)
            {
                Vector256<float> acc = Vector256.Load(dw + u);
                float* row = dz + u;
                for (int k = 0; k < count; k++, row += units)
                    acc = Vector256.FusedMultiplyAdd(Vector256.Create(x[(long)k * stride]), Vector256.Load(row), acc);
                acc.Store(dw + u);
            }
        }
        for (; u < units; u++)
        {
            float acc = dw[u];
            for (int k = 0; k < count; k++) acc = MathF.FusedMultiplyAdd(x[(long)k * stride], dz[(long)k * units + u], acc);
            dw[u] = acc;
        }
    }

    /// <summary>
    /// For few units (a dW row is a vector or two): partial[i, :] += x[k, i]·dz[k, :] for every non-zero
    /// x[k, i] of the tile, row by row; the zero scan is a vector compare, so sparse x (a first layer's
    /// image) costs little, and each dW row stays in L1.
    /// </summary>
    private static void AddRankOne(float* x, int inputs, float* dz, int units, int count, float* partial, Span<int> nonZero)
    {
        for (int k = 0; k < count; k++)
        {
            var xRow = new ReadOnlySpan<float>(x + (long)k * inputs, inputs);
            int found = RowKernels.NonZeroIndices(xRow, nonZero);
            float* dzRow = dz + (long)k * units;
            for (int n = 0; n < found; n++)
            {
                int i = nonZero[n];
                float* dw = partial + (long)i * units;
                var s = Vector256.Create(xRow[i]);
                int u = 0;
                if (Vector256.IsHardwareAccelerated)
                    for (; u <= units - 8; u += 8) Vector256.FusedMultiplyAdd(s, Vector256.Load(dzRow + u), Vector256.Load(dw + u)).Store(dw + u);
                for (; u < units; u++) dw[u] = MathF.FusedMultiplyAdd(xRow[i], dzRow[u], dw[u]);
            }
        }
    }
}
