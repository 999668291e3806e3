using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace ModelGen;

/// <summary>
/// dW = xᵀ·dz for tall products: many rows and a small dW, as in a convolution, whose patch matrix has a
/// row per output pixel of every sample. The rows are cut into a fixed number of blocks; each block adds
/// x[r, i]·dz[r, :] to its own partial dW for every non-zero x[r, i] of its rows (rank-one updates, in row
/// order, into a dW that stays in cache), and the partials are then summed in block order. x and dz are
/// read once, and no column lists are built. The block count does not depend on the number of threads,
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
            for (int r = first; r < end; r++)
            {
                var xRow = new ReadOnlySpan<float>(a.A + (long)r * inputs, inputs);
                int count = RowKernels.NonZeroIndices(xRow, nonZero);
                float* dzRow = a.B + (long)r * units;
                for (int k = 0; k < count; k++)
                {
                    int i = nonZero[k];
                    AddScaled(xRow[i], dzRow, partial + (long)i * units, units);
                }
            }
        }
    }

    /// <summary>y += s·x over <paramref name="length"/> values, fused multiply-adds.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void AddScaled(float s, float* x, float* y, int length)
    {
        int u = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var sv = Vector256.Create(s);
            for (; u <= length - 8; u += 8)
                Vector256.FusedMultiplyAdd(sv, Vector256.Load(x + u), Vector256.Load(y + u)).Store(y + u);
        }
        for (; u < length; u++) y[u] = MathF.FusedMultiplyAdd(s, x[u], y[u]);
    }
}
