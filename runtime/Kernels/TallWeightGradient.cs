using System.Numerics.Tensors;
using System.Runtime.Intrinsics;

namespace ModelGen;

/// <summary>
/// dW = xᵀ·dz for tall products: many rows and a small dW, as in a convolution, whose patch matrix has a
/// row per output pixel of every sample. The rows are cut into a fixed number of blocks, each with its own
/// partial dW; a block is walked in tiles of rows small enough to stay in L1, and for each dW row the
/// tile's x[r, i]·dz[r, :] are summed in registers, in row order (for few units that fill whole vectors,
/// eight dW rows at once; for other few units, rank-one updates of the partial from each row's non-zero x). When dW's rows and columns are both long (a deep
/// convolution), the partial is kept transposed, dWᵀ [units, inputs], and each of its rows sums the
/// tile's rows of x weighted by that unit's non-zero dz: a convolution's dz is mostly zeros (max
/// pooling passes a gradient to one pixel in four, ReLU drops more), so this skips most of the work,
/// and adds the same products in the same row order. Zeros of x are not skipped: a patch matrix
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

    /// <summary>The most units whose dz tile is transposed on the stack (128 KB at most).</summary>
    private const int MaxTransposedUnits = 256;

    /// <summary>Whether the partials are kept transposed, dWᵀ [units, inputs], summed from each unit's non-zero dz.</summary>
    private static bool Transposed(int inputs, int units) => units >= 64 && units <= MaxTransposedUnits && inputs >= 64;

    /// <summary>Rows per register-tile pass: the tile's dz (at most 24 KB) stays in L1 while every tile of dW rows walks it.</summary>
    private static int TiledRows(int units) => Math.Clamp(6144 / units, 16, 256);

    /// <summary>
    /// Whether <see cref="Run"/> can make the patch matrix's rows from a convolution's images as it goes
    /// (register tiles: dense dz, whole vectors of units), giving what <see cref="Kernels.WeightGradient"/>
    /// gives on the whole patch matrix; the scratch then needs Blocks · TiledRows rows.
    /// </summary>
    public static bool SuitsImages(float* dz, int rows, int inputs, int units) =>
        !Kernels.NarrowWeightGradientSuits(rows, inputs, units) && Suits(rows, inputs, units) && RegisterTiles.Suits(units)
        && rows >= Blocks * TiledRows(units) && RegisterTiles.Dense(dz, rows, units);

    /// <summary>
    /// dW = xᵀ·dz; with <paramref name="images"/>, x is that convolution's input images and each tile of
    /// patch rows is made by im2col into <paramref name="scratch"/> (see <see cref="SuitsImages"/>).
    /// </summary>
    public static void Run(float* x, float* dz, float* dw, int rows, int inputs, int units, bool parallel, ConvGeometry* images = null, float* scratch = null)
    {
        int size = inputs * units;
        float[] partials = t_partials ??= [];
        if (partials.Length < Blocks * size) t_partials = partials = new float[Blocks * size];
        // Dense gradients (after BatchNormalization) take the register tiles; sparse ones (after max
        // pooling) the transposed partials, which skip dz's zeros. Both give the same bits.
        bool tiled = images != null || (RegisterTiles.Suits(units) && RegisterTiles.Dense(dz, rows, units));
        fixed (float* pp = partials)
        {
            var args = new KernelArgs { A = x, B = dz, C = pp, D = scratch, Images = images, Rows = rows, Inputs = inputs, Units = units, Length = tiled ? 1 : 0 };
            WorkerPool.Run(&BlockPart, ref args, parallel);
            // The sum over blocks, in block order (a + b = b + a exactly, so both layouts sum alike).
            if (!tiled && Transposed(inputs, units))
            {
                var sum = new Span<float>(pp, size);
                for (int b = 1; b < Blocks; b++) TensorPrimitives.Add(new ReadOnlySpan<float>(pp + (long)b * size, size), sum, sum);
                for (int u = 0; u < units; u++)
                    for (int i = 0; i < inputs; i++) dw[(long)i * units + u] = pp[(long)u * inputs + i];
                return;
            }
            var target = new Span<float>(dw, size);
            new ReadOnlySpan<float>(pp, size).CopyTo(target);
            for (int b = 1; b < Blocks; b++) TensorPrimitives.Add(new ReadOnlySpan<float>(pp + (long)b * size, size), target, target);
        }
    }

    /// <summary>Rows per tile inside a block: the tile's x and dz stay in L1 while every dW row is summed over it.</summary>
    private const int TileRows = 128;

    // Chunk c of n computes blocks [c·Blocks/n, (c+1)·Blocks/n): each block's partial is the same whoever computes it.
    private static void BlockPart(ref KernelArgs a, int chunk, int chunks)
    {
        var (firstBlock, endBlock) = WorkerPool.Range(Blocks, chunk, chunks);
        int inputs = a.Inputs, units = a.Units;
        if (a.Length == 1)
        {
            TiledBlocks(ref a, firstBlock, endBlock);
            return;
        }
        if (Transposed(inputs, units))
        {
            TransposedBlocks(ref a, firstBlock, endBlock);
            return;
        }
        Span<int> nonZero = stackalloc int[inputs];
        // The blocked kernel walks a tile once per eight inputs: its tile of x (at most 32 KB) stays in L1.
        bool blocked = units < 64 && Blocked(units);
        int tileRows = blocked ? Math.Clamp(8192 / inputs, 16, TileRows) : TileRows;
        for (int b = firstBlock; b < endBlock; b++)
        {
            var (first, end) = WorkerPool.Range(a.Rows, b, Blocks);
            float* partial = a.C + (long)b * inputs * units;
            new Span<float>(partial, inputs * units).Clear();
            // Each partial element sums its rows in order, tile after tile.
            for (int tile = first; tile < end; tile += tileRows)
            {
                int count = Math.Min(tileRows, end - tile);
                float* x = a.A + (long)tile * inputs;
                float* dz = a.B + (long)tile * units;
                if (units >= 64)
                    for (int i = 0; i < inputs; i++) AccumulateRow(x + i, inputs, dz, units, count, partial + (long)i * units);
                else if (blocked)
                    AccumulateBlocked(x, inputs, dz, units, count, partial);
                else
                    AddRankOne(x, inputs, dz, units, count, partial, nonZero);
            }
        }
    }

    // Blocks [firstBlock, endBlock) into partials dW, by register tiles of dW rows: dW[i, :] += x[k, i]·dz[k, :]
    // for the tile's rows k in order. A tile's dz stays in L1 while every tile of dW rows walks it; x is read
    // a few columns at a time, so the cache lines of its rows are reused across tiles. From images, each tile
    // of x is made first, in the scratch rows of the chunk's first block.
    private static void TiledBlocks(ref KernelArgs a, int firstBlock, int endBlock)
    {
        int inputs = a.Inputs, units = a.Units, tileRows = TiledRows(units);
        float* scratch = a.D + (long)firstBlock * tileRows * inputs;
        if (a.Images != null && ReadsPaddedImages(*a.Images, units))
        {
            PaddedBlocks(ref a, firstBlock, endBlock, scratch);
            return;
        }
        for (int b = firstBlock; b < endBlock; b++)
        {
            var (first, end) = WorkerPool.Range(a.Rows, b, Blocks);
            float* partial = a.C + (long)b * inputs * units;
            new Span<float>(partial, inputs * units).Clear();
            for (int tile = first; tile < end; tile += tileRows)
            {
                int count = Math.Min(tileRows, end - tile);
                float* x = a.A + (long)tile * inputs;
                if (a.Images != null)
                {
                    Convolution.Im2ColRows(a.A, tile, count, scratch, *a.Images);
                    x = scratch;
                }
                var tiles = new RegisterTiles.Operands
                {
                    A = x, ARow = 1, AStep = inputs,
                    B = a.B + (long)tile * units, BStep = units, Steps = count,
                    C = partial, CRow = units, Columns = units, Accumulate = true,
                };
                RegisterTiles.Rows(tiles, 0, inputs);
            }
        }
    }

    /// <summary>
    /// Whether a block's rows are read from a zero-padded copy of each image instead of im2col tiles: stride 1, a window row
    /// of at least one vector of channels (KW · C ≥ 16), and the padded image fits in a block's scratch rows.
    /// </summary>
    private static bool ReadsPaddedImages(in ConvGeometry g, int units) =>
        g.StrideHeight == 1 && g.StrideWidth == 1 && g.WindowWidth * g.Channels >= 16
        && (long)(g.OutputHeight + g.WindowHeight - 1) * (g.OutputWidth + g.WindowWidth - 1) * g.Channels <= (long)TiledRows(units) * g.PatchSize;

    // TiledBlocks without im2col, for stride 1. In a zero-padded copy of the image, PW = OutputWidth + KW − 1 pixels wide, the
    // window row ky of output pixel (oy, ox) is the KW·C floats from ((oy + ky)·PW + ox)·C, so the dW rows (ky, kx, c) of one ky
    // are KW·C consecutive floats (ARow = 1) and the next output pixel is C floats on (AStep = C). A block's rows, in row order,
    // are a part of an output row, whole output rows (the product's segments: PW·C floats apart in the image, OW·units in dz),
    // then a part of a row, sample after sample; each runs on the partial with Accumulate, so every dW element is the chain
    // of the im2col tiles over the same rows in the same order: the same bits.
    private static void PaddedBlocks(ref KernelArgs a, int firstBlock, int endBlock, float* padded)
    {
        ConvGeometry g = *a.Images;
        int inputs = a.Inputs, units = a.Units, pixels = g.OutputPixels, ow = g.OutputWidth;
        int pw = g.OutputWidth + g.WindowWidth - 1, ph = g.OutputHeight + g.WindowHeight - 1, c = g.Channels, run = g.WindowWidth * c;
        int loaded = -1;
        for (int b = firstBlock; b < endBlock; b++)
        {
            var (first, end) = WorkerPool.Range(a.Rows, b, Blocks);
            float* partial = a.C + (long)b * inputs * units;
            new Span<float>(partial, inputs * units).Clear();
            for (int row = first; row < end;)
            {
                int n = row / pixels, pixel = row % pixels, oy = pixel / ow, ox = pixel % ow;
                if (n != loaded)
                {
                    Convolution.PadImage(a.A + (long)n * g.InputSize, padded, ph, pw, g);
                    loaded = n;
                }
                // A part of an output row, or as many whole rows as the block and the sample hold.
                int steps, segments;
                if (ox != 0 || end - row < ow) (steps, segments) = (Math.Min(ow - ox, end - row), 1);
                else (steps, segments) = (ow, Math.Min(g.OutputHeight - oy, (end - row) / ow));
                for (int ky = 0; ky < g.WindowHeight; ky++)
                {
                    var tiles = new RegisterTiles.Operands
                    {
                        A = padded + ((long)(oy + ky) * pw + ox) * c, ARow = 1, AStep = c, Segments = segments, ASegment = pw * c,
                        B = a.B + (long)row * units, BStep = units, Steps = steps, BSegment = ow * units,
                        C = partial + (long)ky * run * units, CRow = units, Columns = units, Accumulate = true,
                    };
                    RegisterTiles.Rows(tiles, 0, run);
                }
                row += steps * segments;
            }
        }
    }

    // Blocks [firstBlock, endBlock) into partials dWᵀ [units, inputs]: tile by tile, dz's tile is
    // transposed (a column per unit becomes a contiguous row), and dWᵀ[u, :] += Σ_k dz[k, u]·x[k, :] over
    // that row's non-zeros, in row order, by the forward row kernel (eight vectors of dWᵀ[u] in registers).
    private static void TransposedBlocks(ref KernelArgs a, int firstBlock, int endBlock)
    {
        int inputs = a.Inputs, units = a.Units;
        float* dzT = stackalloc float[units * TileRows];
        Span<int> nonZero = stackalloc int[TileRows];
        for (int b = firstBlock; b < endBlock; b++)
        {
            var (first, end) = WorkerPool.Range(a.Rows, b, Blocks);
            float* partial = a.C + (long)b * inputs * units;
            new Span<float>(partial, inputs * units).Clear();
            for (int tile = first; tile < end; tile += TileRows)
            {
                int count = Math.Min(TileRows, end - tile);
                float* dz = a.B + (long)tile * units;
                for (int k = 0; k < count; k++)
                    for (int u = 0; u < units; u++) dzT[u * count + k] = dz[k * units + u];
                var x = new ReadOnlySpan<float>(a.A + (long)tile * inputs, count * inputs);
                for (int u = 0; u < units; u++)
                {
                    var coefficients = new ReadOnlySpan<float>(dzT + u * count, count);
                    int found = RowKernels.NonZeroIndices(coefficients, nonZero);
                    if (found == 0) continue;
                    var row = new Span<float>(partial + (long)u * inputs, inputs);
                    RowKernels.AccumulateRows<ByIndex>(coefficients, nonZero.Slice(0, found), x, inputs, row, row);
                }
            }
        }
    }

    /// <summary>
    /// dw[0..units) += Σ_k x[k·stride]·dz[k·units + 0..units) over <paramref name="count"/> rows, in row
    /// order: eight vectors of columns at a time in accumulators that stay in registers (one load of dz
    /// per multiply-add, as in the forward row kernel), then one vector, then one by one. A zero x adds
    /// nothing to a finite sum.
    /// </summary>
    private static void AccumulateRow(float* x, int stride, float* dz, int units, int count, float* dw)
    {
        if (Vector512.IsHardwareAccelerated) AccumulateRow<Ops512, Vector512<float>>(x, stride, dz, units, count, dw);
        else if (Vector256.IsHardwareAccelerated) AccumulateRow<Ops256, Vector256<float>>(x, stride, dz, units, count, dw);
        else if (Vector128.IsHardwareAccelerated) AccumulateRow<Ops128, Vector128<float>>(x, stride, dz, units, count, dw);
        else AccumulateRow<OpsScalar, float>(x, stride, dz, units, count, dw);
    }

    private static void AccumulateRow<TOps, TVec>(float* x, int stride, float* dz, int units, int count, float* dw)
        where TOps : struct, IVectorOps<TVec> where TVec : struct
    {
        int lanes = TOps.Count, block = 8 * lanes, u = 0;
        for (; u <= units - block; u += block)
        {
            float* d = dw + u;
            TVec a0 = TOps.Load(d), a1 = TOps.Load(d + lanes), a2 = TOps.Load(d + 2 * lanes), a3 = TOps.Load(d + 3 * lanes);
            TVec a4 = TOps.Load(d + 4 * lanes), a5 = TOps.Load(d + 5 * lanes), a6 = TOps.Load(d + 6 * lanes), a7 = TOps.Load(d + 7 * lanes);
            float* row = dz + u;
            for (int k = 0; k < count; k++, row += units)
            {
                TVec s = TOps.Broadcast(x[(long)k * stride]);
                a0 = TOps.MultiplyAdd(s, TOps.Load(row), a0);
                a1 = TOps.MultiplyAdd(s, TOps.Load(row + lanes), a1);
                a2 = TOps.MultiplyAdd(s, TOps.Load(row + 2 * lanes), a2);
                a3 = TOps.MultiplyAdd(s, TOps.Load(row + 3 * lanes), a3);
                a4 = TOps.MultiplyAdd(s, TOps.Load(row + 4 * lanes), a4);
                a5 = TOps.MultiplyAdd(s, TOps.Load(row + 5 * lanes), a5);
                a6 = TOps.MultiplyAdd(s, TOps.Load(row + 6 * lanes), a6);
                a7 = TOps.MultiplyAdd(s, TOps.Load(row + 7 * lanes), a7);
            }
            TOps.Store(a0, d); TOps.Store(a1, d + lanes); TOps.Store(a2, d + 2 * lanes); TOps.Store(a3, d + 3 * lanes);
            TOps.Store(a4, d + 4 * lanes); TOps.Store(a5, d + 5 * lanes); TOps.Store(a6, d + 6 * lanes); TOps.Store(a7, d + 7 * lanes);
        }
        for (; u <= units - lanes; u += lanes)
        {
            TVec acc = TOps.Load(dw + u);
            float* row = dz + u;
            for (int k = 0; k < count; k++, row += units)
                acc = TOps.MultiplyAdd(TOps.Broadcast(x[(long)k * stride]), TOps.Load(row), acc);
            TOps.Store(acc, dw + u);
        }
        for (; u < units; u++)
        {
            float acc = dw[u];
            for (int k = 0; k < count; k++) acc = OpsScalar.MultiplyAdd(x[(long)k * stride], dz[(long)k * units + u], acc);
            dw[u] = acc;
        }
    }

    /// <summary>Inputs per register block of <see cref="AccumulateBlocked"/>.</summary>
    private const int BlockInputs = 8;

    /// <summary>Whether the few units fill whole vectors, so the register-blocked kernel takes them (a ResNet's 16 and 32 filters).</summary>
    private static bool Blocked(int units) => units % Lanes == 0;

    /// <summary>Floats per vector on the path the kernels take.</summary>
    private static int Lanes =>
        Vector512.IsHardwareAccelerated ? 16 : Vector256.IsHardwareAccelerated ? 8 : Vector128.IsHardwareAccelerated ? 4 : 1;

    /// <summary>
    /// For few units that fill whole vectors: partial[i, u] += Σ_k x[k, i]·dz[k, u] over the tile's rows in
    /// row order, for eight inputs and two (or one) vectors of units at a time in sixteen accumulators
    /// that stay in registers, so each loaded vector of dz feeds eight multiply-adds and no partial row is
    /// loaded and stored per row. Every element adds the same products in the same order as the rank-one
    /// updates (<see cref="AddRankOne"/>), which skip zero x: 0·dz adds nothing to a finite sum, so the
    /// bits are the same; not skipping is cheaper here than the stores of a rank-one update per non-zero.
    /// </summary>
    private static void AccumulateBlocked(float* x, int inputs, float* dz, int units, int count, float* partial)
    {
        if (Vector512.IsHardwareAccelerated) AccumulateBlocked<Ops512, Vector512<float>>(x, inputs, dz, units, count, partial);
        else if (Vector256.IsHardwareAccelerated) AccumulateBlocked<Ops256, Vector256<float>>(x, inputs, dz, units, count, partial);
        else if (Vector128.IsHardwareAccelerated) AccumulateBlocked<Ops128, Vector128<float>>(x, inputs, dz, units, count, partial);
        else AccumulateBlocked<OpsScalar, float>(x, inputs, dz, units, count, partial);
    }

    private static void AccumulateBlocked<TOps, TVec>(float* x, int inputs, float* dz, int units, int count, float* partial)
        where TOps : struct, IVectorOps<TVec> where TVec : struct
    {
        int lanes = TOps.Count, i = 0;
        for (; i <= inputs - BlockInputs; i += BlockInputs)
        {
            int u = 0;
            for (; u <= units - 2 * lanes; u += 2 * lanes) EightInputsTwoVectors<TOps, TVec>(x + i, inputs, dz + u, units, count, partial + (long)i * units + u);
            for (; u < units; u += lanes) EightInputsOneVector<TOps, TVec>(x + i, inputs, dz + u, units, count, partial + (long)i * units + u);
        }
        for (; i < inputs; i++) AccumulateRow<TOps, TVec>(x + i, inputs, dz, units, count, partial + (long)i * units);
    }

    // dw[j, 0..2·lanes) += Σ_k x[k·stride + j]·dz[k·units + 0..2·lanes) for j < 8, row after row.
    private static void EightInputsTwoVectors<TOps, TVec>(float* x, int stride, float* dz, int units, int count, float* dw)
        where TOps : struct, IVectorOps<TVec> where TVec : struct
    {
        int lanes = TOps.Count;
        long w = units;
        TVec a0 = TOps.Load(dw), b0 = TOps.Load(dw + lanes), a1 = TOps.Load(dw + w), b1 = TOps.Load(dw + w + lanes);
        TVec a2 = TOps.Load(dw + 2 * w), b2 = TOps.Load(dw + 2 * w + lanes), a3 = TOps.Load(dw + 3 * w), b3 = TOps.Load(dw + 3 * w + lanes);
        TVec a4 = TOps.Load(dw + 4 * w), b4 = TOps.Load(dw + 4 * w + lanes), a5 = TOps.Load(dw + 5 * w), b5 = TOps.Load(dw + 5 * w + lanes);
        TVec a6 = TOps.Load(dw + 6 * w), b6 = TOps.Load(dw + 6 * w + lanes), a7 = TOps.Load(dw + 7 * w), b7 = TOps.Load(dw + 7 * w + lanes);
        for (int k = 0; k < count; k++, x += stride, dz += units)
        {
            TVec d0 = TOps.Load(dz), d1 = TOps.Load(dz + lanes);
            TVec s = TOps.Broadcast(x[0]);
            a0 = TOps.MultiplyAdd(s, d0, a0); b0 = TOps.MultiplyAdd(s, d1, b0);
            s = TOps.Broadcast(x[1]);
            a1 = TOps.MultiplyAdd(s, d0, a1); b1 = TOps.MultiplyAdd(s, d1, b1);
            s = TOps.Broadcast(x[2]);
            a2 = TOps.MultiplyAdd(s, d0, a2); b2 = TOps.MultiplyAdd(s, d1, b2);
            s = TOps.Broadcast(x[3]);
            a3 = TOps.MultiplyAdd(s, d0, a3); b3 = TOps.MultiplyAdd(s, d1, b3);
            s = TOps.Broadcast(x[4]);
            a4 = TOps.MultiplyAdd(s, d0, a4); b4 = TOps.MultiplyAdd(s, d1, b4);
            s = TOps.Broadcast(x[5]);
            a5 = TOps.MultiplyAdd(s, d0, a5); b5 = TOps.MultiplyAdd(s, d1, b5);
            s = TOps.Broadcast(x[6]);
            a6 = TOps.MultiplyAdd(s, d0, a6); b6 = TOps.MultiplyAdd(s, d1, b6);
            s = TOps.Broadcast(x[7]);
            a7 = TOps.MultiplyAdd(s, d0, a7); b7 = TOps.MultiplyAdd(s, d1, b7);
        }
        TOps.Store(a0, dw); TOps.Store(b0, dw + lanes); TOps.Store(a1, dw + w); TOps.Store(b1, dw + w + lanes);
        TOps.Store(a2, dw + 2 * w); TOps.Store(b2, dw + 2 * w + lanes); TOps.Store(a3, dw + 3 * w); TOps.Store(b3, dw + 3 * w + lanes);
        TOps.Store(a4, dw + 4 * w); TOps.Store(b4, dw + 4 * w + lanes); TOps.Store(a5, dw + 5 * w); TOps.Store(b5, dw + 5 * w + lanes);
        TOps.Store(a6, dw + 6 * w); TOps.Store(b6, dw + 6 * w + lanes); TOps.Store(a7, dw + 7 * w); TOps.Store(b7, dw + 7 * w + lanes);
    }

    // dw[j, 0..lanes) += Σ_k x[k·stride + j]·dz[k·units + 0..lanes) for j < 8, row after row.
    private static void EightInputsOneVector<TOps, TVec>(float* x, int stride, float* dz, int units, int count, float* dw)
        where TOps : struct, IVectorOps<TVec> where TVec : struct
    {
        long w = units;
        TVec a0 = TOps.Load(dw), a1 = TOps.Load(dw + w), a2 = TOps.Load(dw + 2 * w), a3 = TOps.Load(dw + 3 * w);
        TVec a4 = TOps.Load(dw + 4 * w), a5 = TOps.Load(dw + 5 * w), a6 = TOps.Load(dw + 6 * w), a7 = TOps.Load(dw + 7 * w);
        for (int k = 0; k < count; k++, x += stride, dz += units)
        {
            TVec d = TOps.Load(dz);
            a0 = TOps.MultiplyAdd(TOps.Broadcast(x[0]), d, a0);
            a1 = TOps.MultiplyAdd(TOps.Broadcast(x[1]), d, a1);
            a2 = TOps.MultiplyAdd(TOps.Broadcast(x[2]), d, a2);
            a3 = TOps.MultiplyAdd(TOps.Broadcast(x[3]), d, a3);
            a4 = TOps.MultiplyAdd(TOps.Broadcast(x[4]), d, a4);
            a5 = TOps.MultiplyAdd(TOps.Broadcast(x[5]), d, a5);
            a6 = TOps.MultiplyAdd(TOps.Broadcast(x[6]), d, a6);
            a7 = TOps.MultiplyAdd(TOps.Broadcast(x[7]), d, a7);
        }
        TOps.Store(a0, dw); TOps.Store(a1, dw + w); TOps.Store(a2, dw + 2 * w); TOps.Store(a3, dw + 3 * w);
        TOps.Store(a4, dw + 4 * w); TOps.Store(a5, dw + 5 * w); TOps.Store(a6, dw + 6 * w); TOps.Store(a7, dw + 7 * w);
    }

    /// <summary>
    /// For few units (a dW row is a vector or two): partial[i, :] += x[k, i]·dz[k, :] for every non-zero
    /// x[k, i] of the tile, row by row; the zero scan is a vector compare, so sparse x (a first layer's
    /// image) costs little, and each dW row stays in L1.
    /// </summary>
    private static void AddRankOne(float* x, int inputs, float* dz, int units, int count, float* partial, Span<int> nonZero)
    {
        if (Vector512.IsHardwareAccelerated) AddRankOne<Ops512, Vector512<float>>(x, inputs, dz, units, count, partial, nonZero);
        else if (Vector256.IsHardwareAccelerated) AddRankOne<Ops256, Vector256<float>>(x, inputs, dz, units, count, partial, nonZero);
        else if (Vector128.IsHardwareAccelerated) AddRankOne<Ops128, Vector128<float>>(x, inputs, dz, units, count, partial, nonZero);
        else AddRankOne<OpsScalar, float>(x, inputs, dz, units, count, partial, nonZero);
    }

    private static void AddRankOne<TOps, TVec>(float* x, int inputs, float* dz, int units, int count, float* partial, Span<int> nonZero)
        where TOps : struct, IVectorOps<TVec> where TVec : struct
    {
        int lanes = TOps.Count;
        for (int k = 0; k < count; k++)
        {
            var xRow = new ReadOnlySpan<float>(x + (long)k * inputs, inputs);
            int found = RowKernels.NonZeroIndices(xRow, nonZero);
            float* dzRow = dz + (long)k * units;
            for (int n = 0; n < found; n++)
            {
                int i = nonZero[n];
                float* dw = partial + (long)i * units;
                TVec s = TOps.Broadcast(xRow[i]);
                int u = 0;
                for (; u <= units - lanes; u += lanes) TOps.Store(TOps.MultiplyAdd(s, TOps.Load(dzRow + u), TOps.Load(dw + u)), dw + u);
                for (; u < units; u++) dw[u] = OpsScalar.MultiplyAdd(xRow[i], dzRow[u], dw[u]);
            }
        }
    }
}
