using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace ModelGen;

/// <summary>
/// Winograd's minimal filtering F(2×2, 3×3) (Lavin and Gray, "Fast Algorithms for Convolutional Neural Networks", 2016)
/// for 3×3, stride-1 convolutions (those before a BatchNormalization, in inference and training: see
/// <see cref="Convolution.Forward"/>). Each 2×2 block of output pixels (a "tile") is computed from the 4×4
/// input pixels under it as Y = Aᵀ·[Σ_c U_c ⊙ V_c]·A, with U = G·g·Gᵀ the filter's 3×3 window turned into 4×4 and
/// V = Bᵀ·d·B the tile's 4×4 inputs: per channel and filter, 16 multiply-adds per tile instead of the 36 of four
/// windows. The sums over channels are 16 ordinary matrix products, one per position of the 4×4 ("[tiles, C] · [C, F]"),
/// which run on the register tiles (<see cref="Kernels.AccumulateRowBlock"/>); the transforms are additions and halvings.
/// </summary>
/// <remarks>
/// The matrices, for the cross-correlation that convolution layers compute (y0 = d0·g0 + d1·g1 + d2·g2, y1 = d1·g0 + d2·g1 + d3·g2):
/// <code>
///      | 1  0 -1  0 |        | 1    0    0  |        | 1  1  1  0 |
/// Bᵀ = | 0  1  1  0 |    G = | 1/2  1/2  1/2|    Aᵀ = | 0  1 -1 -1 |
///      | 0 -1  1  0 |        | 1/2 -1/2  1/2|
///      | 0  1  0 -1 |        | 0    0    1  |
/// </code>
/// The results are not the bits of the direct sums: each output is a different (exact in real arithmetic) combination,
/// within a few units in the last place of the direct one for the values of trained networks (the kernel tests bound it).
/// They are the same bits whatever the batch, the tile block, the thread count or the vector width (the transforms are
/// the same additions in the same order on every path, and each product's sums run in the same order on every kernel;
/// only fused and separate multiply-adds differ, as everywhere in ModelGen). Tiles that cross the image's edge read zeros
/// for padding and drop the outputs past the last row or column.
/// </remarks>
public static unsafe class Winograd
{
    /// <summary>Positions of the 4×4 transformed tile: the number of products per block of tiles.</summary>
    internal const int Positions = 16;

    /// <summary>
    /// Fewest channels, and the multiple the filters must be, for the 16 products per block to beat the direct sums: with
    /// fewer channels each product reduces over too few values, and filters that are not whole 512-bit vectors miss the
    /// register tiles. One rule on every vector path, so the choice (and so the bits) never depends on the machine. Measured
    /// on one core: 9×9 images of 11 channels and 20 filters took 2.1× the direct time (AVX-512) and 1.3× (AVX2), 13×13 of
    /// 32 channels and 40 filters 1.26× (AVX-512); ResNet-20's shapes take 0.55–0.86× (AVX-512), 0.57–0.82× (AVX2).
    /// </summary>
    private const int MinChannels = 16, FilterMultiple = 16;

    /// <summary>
    /// Floats of a block's transformed inputs and products (16 · tiles · (C + F)), at most: 512 KB, a whole 28×28 sample of 16
    /// channels and filters, about half of L2. Fewer tiles per block cost more than the traffic they save (each of the 16
    /// products per block is a call with a short reduction).
    /// </summary>
    private const int BlockFloats = 128 * 1024;

    /// <summary>Whether a convolution with this geometry and filter count takes the Winograd path.</summary>
    public static bool Suits(in ConvGeometry g, int filters) =>
        g.WindowHeight == 3 && g.WindowWidth == 3 && g.StrideHeight == 1 && g.StrideWidth == 1 && g.Channels >= MinChannels && filters % FilterMultiple == 0;

    /// <summary>
    /// Floats of the room <see cref="TransformWeights"/> fills and <see cref="Convolution.ForwardNormalized"/> reads: the
    /// transformed weights (16 matrices [Channels, filters], a cache line apart), then scratch for one tile (which the
    /// convolution uses when its share of the patch buffer is smaller).
    /// </summary>
    /// <remarks>0 for a convolution the Winograd path does not take (see <see cref="Suits"/>), so callers can size it unconditionally.</remarks>
    public static long WeightsLength(in ConvGeometry g, int filters) => Suits(g, filters) ? TransformedLength(g, filters) + ScratchLength(1, g, filters) : 0;

    /// <summary>Floats of the transformed weights alone.</summary>
    internal static long TransformedLength(in ConvGeometry g, int filters) => Positions * PlaneStride(g.Channels, filters);

    // Floats from one position's [C, F] matrix of transformed weights to the next: a cache line more than the matrix, for the
    // same reason as PositionStride (with 64 channels and filters a matrix is 16 KB, and the 16 values of a window would all
    // fall in one set of the L1 cache).
    private static long PlaneStride(int channels, int filters) => (long)channels * filters + 16;

    /// <summary>2×2 tiles per sample (the last row and column of tiles are half outside when the output's side is odd).</summary>
    internal static int Tiles(in ConvGeometry g) => TilesHigh(g) * TilesWide(g);

    private static int TilesHigh(in ConvGeometry g) => (g.OutputHeight + 1) / 2;

    private static int TilesWide(in ConvGeometry g) => (g.OutputWidth + 1) / 2;

    /// <summary>
    /// The tiles per block that a chunk's scratch of <paramref name="scratchFloats"/> floats allows (see <see cref="ScratchLength"/>),
    /// at most a block that stays in L2; 0 when not even one tile fits.
    /// </summary>
    internal static int BlockTiles(long scratchFloats, in ConvGeometry g, int filters)
    {
        long fit = (scratchFloats - ScratchLength(0, g, filters)) / ((long)Positions * (g.Channels + filters));
        long wanted = Math.Max(16, BlockFloats / (Positions * (g.Channels + filters)));
        return (int)Math.Max(0, Math.Min(fit, wanted));
    }

    /// <summary>Floats of scratch for blocks of <paramref name="blockTiles"/> tiles: a zero pixel, then the transformed inputs and the products.</summary>
    internal static long ScratchLength(int blockTiles, in ConvGeometry g, int filters) =>
        g.Channels + Positions * (PositionStride(blockTiles, g.Channels) + PositionStride(blockTiles, filters));

    // Floats from one position's matrix [blockTiles, width] to the next: one cache line more than the matrix, so that the 16 values
    // of a tile, one per position, do not all fall in one set of the L1 cache when the matrix is a multiple of 4 KB.
    private static long PositionStride(int blockTiles, int width) => (long)blockTiles * width + 16;

    /// <summary>
    /// The transformed weights of a 3×3 convolution: for every channel c and filter f, G·g·Gᵀ with g the 3×3 window of
    /// w [3, 3, Channels, filters] (a Conv2D's weights), into the first <see cref="TransformedLength"/> floats of
    /// <paramref name="room"/> (<see cref="WeightsLength"/> floats). Make them again whenever w changes: the convolution
    /// reads only these. Nothing to do for a convolution the Winograd path does not take (<see cref="Suits"/>; its room is empty).
    /// </summary>
    /// <exception cref="ArgumentException">A span is shorter than its shape.</exception>
    public static void TransformWeights(ReadOnlySpan<float> w, Span<float> room, in ConvGeometry g, int filters)
    {
        if (!Suits(g, filters)) return;
        ShapeChecks.Length(w.Length, (long)g.PatchSize * filters, nameof(w), "3 × 3 × Channels × filters");
        if (room.Length < WeightsLength(g, filters))
            throw new ArgumentException($"The span 'room' holds {room.Length} values, but Winograd.WeightsLength gives {WeightsLength(g, filters)}.", nameof(room));
        fixed (float* pw = w, pu = room)
        {
            long plane = (long)g.Channels * filters, stride = PlaneStride(g.Channels, filters);
            if (Vector512.IsHardwareAccelerated) TransformWeights<Ops512, Vector512<float>>(pw, pu, g.Channels, filters, plane, stride);
            else if (Vector256.IsHardwareAccelerated) TransformWeights<Ops256, Vector256<float>>(pw, pu, g.Channels, filters, plane, stride);
            else if (Vector128.IsHardwareAccelerated) TransformWeights<Ops128, Vector128<float>>(pw, pu, g.Channels, filters, plane, stride);
            else TransformWeights<OpsScalar, float>(pw, pu, g.Channels, filters, plane, stride);
        }
    }

    /// <summary>
    /// <paramref name="count"/> samples: z [count · OutputPixels, F] = conv(images) + bias, their tiles (row-major, sample after
    /// sample) a block of <paramref name="blockTiles"/> at a time. u holds <see cref="TransformWeights"/>'s result; scratch holds
    /// <see cref="ScratchLength"/> floats. Each output is the same bits whatever the blocks (each product row is its own sums).
    /// </summary>
    internal static void Samples(float* images, int count, float* u, float* bias, float* z, float* scratch, int blockTiles, in ConvGeometry g, int filters)
    {
        int c = g.Channels, tiles = count * Tiles(g);
        long vStride = PositionStride(blockTiles, c), mStride = PositionStride(blockTiles, filters);
        float* zeros = scratch, v = scratch + c, m = v + Positions * vStride;
        new Span<float>(zeros, c).Clear();
        for (int first = 0; first < tiles; first += blockTiles)
        {
            int block = Math.Min(blockTiles, tiles - first);
            TransformInputs(images, zeros, v, vStride, first, block, g);
            for (int p = 0; p < Positions; p++)
                Kernels.AccumulateRowBlock(v + p * vStride, u + p * PlaneStride(c, filters), null, m + p * mStride, 0, block, c, filters);
            TransformOutputs(m, mStride, bias, z, first, block, g, filters);
        }
    }

    // w's window values are plane floats apart ([kh, kw] planes of [C, F]); u's 16 positions stride floats apart.
    private static void TransformWeights<TOps, TVec>(float* w, float* u, int channels, int filters, long plane, long stride)
        where TOps : struct, IVectorOps<TVec> where TVec : struct
    {
        for (int c = 0; c < channels; c++)
        {
            int f = 0;
            for (; f <= filters - TOps.Count; f += TOps.Count) TransformWindow<TOps, TVec>(w + (long)c * filters + f, u + (long)c * filters + f, plane, stride);
            for (; f < filters; f++) TransformWindow<OpsScalar, float>(w + (long)c * filters + f, u + (long)c * filters + f, plane, stride);
        }
    }

    // One vector of filters of one channel.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void TransformWindow<TOps, TVec>(float* w, float* u, long plane, long stride)
        where TOps : struct, IVectorOps<TVec> where TVec : struct
    {
        TVec half = TOps.Broadcast(0.5f);
        // G·g: for each window column j, (g0j, (g0j + g1j + g2j)/2, (g0j − g1j + g2j)/2, g2j); then each of its rows times Gᵀ.
        TVec g00 = TOps.Load(w), g01 = TOps.Load(w + plane), g02 = TOps.Load(w + 2 * plane);
        TVec g10 = TOps.Load(w + 3 * plane), g11 = TOps.Load(w + 4 * plane), g12 = TOps.Load(w + 5 * plane);
        TVec g20 = TOps.Load(w + 6 * plane), g21 = TOps.Load(w + 7 * plane), g22 = TOps.Load(w + 8 * plane);
        WindowRow<TOps, TVec>(g00, g01, g02, half, u, stride);
        WindowRow<TOps, TVec>(Half<TOps, TVec>(TOps.Add(TOps.Add(g00, g10), g20), half), Half<TOps, TVec>(TOps.Add(TOps.Add(g01, g11), g21), half),
            Half<TOps, TVec>(TOps.Add(TOps.Add(g02, g12), g22), half), half, u + 4 * stride, stride);
        WindowRow<TOps, TVec>(Half<TOps, TVec>(TOps.Add(TOps.Subtract(g00, g10), g20), half), Half<TOps, TVec>(TOps.Add(TOps.Subtract(g01, g11), g21), half),
            Half<TOps, TVec>(TOps.Add(TOps.Subtract(g02, g12), g22), half), half, u + 8 * stride, stride);
        WindowRow<TOps, TVec>(g20, g21, g22, half, u + 12 * stride, stride);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TVec Half<TOps, TVec>(TVec value, TVec half) where TOps : struct, IVectorOps<TVec> where TVec : struct => TOps.Multiply(value, half);

    // A row (r0, r1, r2) of G·g times Gᵀ: (r0, (r0 + r1 + r2)/2, (r0 − r1 + r2)/2, r2), stride floats apart.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void WindowRow<TOps, TVec>(TVec r0, TVec r1, TVec r2, TVec half, float* u, long stride)
        where TOps : struct, IVectorOps<TVec> where TVec : struct
    {
        TOps.Store(r0, u);
        TOps.Store(TOps.Multiply(TOps.Add(TOps.Add(r0, r1), r2), half), u + stride);
        TOps.Store(TOps.Multiply(TOps.Add(TOps.Subtract(r0, r1), r2), half), u + 2 * stride);
        TOps.Store(r2, u + 3 * stride);
    }

    /// <summary>Tiles in order, row-major within a sample, sample after sample: the sample and the output pixel at the tile's top left.</summary>
    private struct TileWalk
    {
        public int Sample, Top, Left;

        public TileWalk(int tile, in ConvGeometry g)
        {
            int perSample = Tiles(g), local = tile % perSample;
            Sample = tile / perSample;
            Top = local / TilesWide(g) * 2;
            Left = local % TilesWide(g) * 2;
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Next(in ConvGeometry g)
        {
            Left += 2;
            if (Left < g.OutputWidth) return;
            Left = 0;
            Top += 2;
            if (Top < g.OutputHeight) return;
            Top = 0;
            Sample++;
        }
    }

    // v [16, block, C] (positions stride floats apart): Bᵀ·d·B of tiles [first, first + block), d the 4×4 input pixels under each.
    private static void TransformInputs(float* images, float* zeros, float* v, long stride, int first, int block, in ConvGeometry g)
    {
        if (Vector512.IsHardwareAccelerated) TransformInputs<Ops512, Vector512<float>>(images, zeros, v, stride, first, block, g);
        else if (Vector256.IsHardwareAccelerated) TransformInputs<Ops256, Vector256<float>>(images, zeros, v, stride, first, block, g);
        else if (Vector128.IsHardwareAccelerated) TransformInputs<Ops128, Vector128<float>>(images, zeros, v, stride, first, block, g);
        else TransformInputs<OpsScalar, float>(images, zeros, v, stride, first, block, g);
    }

    private static void TransformInputs<TOps, TVec>(float* images, float* zeros, float* v, long stride, int first, int block, in ConvGeometry g)
        where TOps : struct, IVectorOps<TVec> where TVec : struct
    {
        int channels = g.Channels;
        long row = (long)g.InputWidth * channels;
        float** d = stackalloc float*[16];
        var at = new TileWalk(first, g);
        for (int i = 0; i < block; i++, at.Next(g))
        {
            int top = at.Top - g.PadTop, left = at.Left - g.PadLeft;
            float* image = images + (long)at.Sample * g.InputSize, target = v + (long)i * channels;
            if (top >= 0 && left >= 0 && top + 4 <= g.InputHeight && left + 4 <= g.InputWidth)
            {
                // Inside the image: the 16 pixels are four runs of four.
                float* corner = image + (top * row + (long)left * channels);
                int c = 0;
                for (; c <= channels - TOps.Count; c += TOps.Count) TransformInterior<TOps, TVec>(corner + c, row, channels, target + c, stride);
                for (; c < channels; c++) TransformInterior<OpsScalar, float>(corner + c, row, channels, target + c, stride);
                continue;
            }
            // Across the edge: each pixel is the image's or the zero pixel.
            for (int a = 0; a < 4; a++)
                for (int b = 0; b < 4; b++)
                {
                    int y = top + a, x = left + b;
                    d[4 * a + b] = (uint)y < (uint)g.InputHeight && (uint)x < (uint)g.InputWidth ? image + (y * row + (long)x * channels) : zeros;
                }
            int k = 0;
            for (; k <= channels - TOps.Count; k += TOps.Count) TransformEdge<TOps, TVec>(d, k, target + k, stride);
            for (; k < channels; k++) TransformEdge<OpsScalar, float>(d, k, target + k, stride);
        }
    }

    // Bᵀ·d·B for one vector of channels of a tile inside the image: pixel (a, b) at corner + a·row + b·pixel.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void TransformInterior<TOps, TVec>(float* corner, long row, long pixel, float* v, long stride)
        where TOps : struct, IVectorOps<TVec> where TVec : struct
    {
        float* r0 = corner, r1 = corner + row, r2 = corner + 2 * row, r3 = corner + 3 * row;
        TransformTile<TOps, TVec>(
            TOps.Load(r0), TOps.Load(r0 + pixel), TOps.Load(r0 + 2 * pixel), TOps.Load(r0 + 3 * pixel),
            TOps.Load(r1), TOps.Load(r1 + pixel), TOps.Load(r1 + 2 * pixel), TOps.Load(r1 + 3 * pixel),
            TOps.Load(r2), TOps.Load(r2 + pixel), TOps.Load(r2 + 2 * pixel), TOps.Load(r2 + 3 * pixel),
            TOps.Load(r3), TOps.Load(r3 + pixel), TOps.Load(r3 + 2 * pixel), TOps.Load(r3 + 3 * pixel), v, stride);
    }

    // The same for a tile across the edge, pixel (a, b) at d[4a + b] + c.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void TransformEdge<TOps, TVec>(float** d, int c, float* v, long stride)
        where TOps : struct, IVectorOps<TVec> where TVec : struct =>
        TransformTile<TOps, TVec>(
            TOps.Load(d[0] + c), TOps.Load(d[1] + c), TOps.Load(d[2] + c), TOps.Load(d[3] + c),
            TOps.Load(d[4] + c), TOps.Load(d[5] + c), TOps.Load(d[6] + c), TOps.Load(d[7] + c),
            TOps.Load(d[8] + c), TOps.Load(d[9] + c), TOps.Load(d[10] + c), TOps.Load(d[11] + c),
            TOps.Load(d[12] + c), TOps.Load(d[13] + c), TOps.Load(d[14] + c), TOps.Load(d[15] + c), v, stride);

    // Bᵀ·d·B: columns first, t = Bᵀ·d, (d0 − d2, d1 + d2, d2 − d1, d1 − d3) down each column; then each row of t times B, the
    // same four combinations across; the 16 results stride floats apart.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void TransformTile<TOps, TVec>(
        TVec d00, TVec d01, TVec d02, TVec d03, TVec d10, TVec d11, TVec d12, TVec d13,
        TVec d20, TVec d21, TVec d22, TVec d23, TVec d30, TVec d31, TVec d32, TVec d33, float* v, long stride)
        where TOps : struct, IVectorOps<TVec> where TVec : struct
    {
        TVec t00 = TOps.Subtract(d00, d20), t01 = TOps.Subtract(d01, d21), t02 = TOps.Subtract(d02, d22), t03 = TOps.Subtract(d03, d23);
        TVec t10 = TOps.Add(d10, d20), t11 = TOps.Add(d11, d21), t12 = TOps.Add(d12, d22), t13 = TOps.Add(d13, d23);
        TVec t20 = TOps.Subtract(d20, d10), t21 = TOps.Subtract(d21, d11), t22 = TOps.Subtract(d22, d12), t23 = TOps.Subtract(d23, d13);
        TVec t30 = TOps.Subtract(d10, d30), t31 = TOps.Subtract(d11, d31), t32 = TOps.Subtract(d12, d32), t33 = TOps.Subtract(d13, d33);
        InputRow<TOps, TVec>(t00, t01, t02, t03, v, stride);
        InputRow<TOps, TVec>(t10, t11, t12, t13, v + 4 * stride, stride);
        InputRow<TOps, TVec>(t20, t21, t22, t23, v + 8 * stride, stride);
        InputRow<TOps, TVec>(t30, t31, t32, t33, v + 12 * stride, stride);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void InputRow<TOps, TVec>(TVec t0, TVec t1, TVec t2, TVec t3, float* v, long stride)
        where TOps : struct, IVectorOps<TVec> where TVec : struct
    {
        TOps.Store(TOps.Subtract(t0, t2), v);
        TOps.Store(TOps.Add(t1, t2), v + stride);
        TOps.Store(TOps.Subtract(t2, t1), v + 2 * stride);
        TOps.Store(TOps.Subtract(t1, t3), v + 3 * stride);
    }

    // z's pixels of tiles [first, first + block): Aᵀ·M·A + bias from m [16, block, F] (positions stride floats apart), the pixels
    // past the output's edge dropped.
    private static void TransformOutputs(float* m, long stride, float* bias, float* z, int first, int block, in ConvGeometry g, int filters)
    {
        if (Vector512.IsHardwareAccelerated) TransformOutputs<Ops512, Vector512<float>>(m, stride, bias, z, first, block, g, filters);
        else if (Vector256.IsHardwareAccelerated) TransformOutputs<Ops256, Vector256<float>>(m, stride, bias, z, first, block, g, filters);
        else if (Vector128.IsHardwareAccelerated) TransformOutputs<Ops128, Vector128<float>>(m, stride, bias, z, first, block, g, filters);
        else TransformOutputs<OpsScalar, float>(m, stride, bias, z, first, block, g, filters);
    }

    private static void TransformOutputs<TOps, TVec>(float* m, long stride, float* bias, float* z, int first, int block, in ConvGeometry g, int filters)
        where TOps : struct, IVectorOps<TVec> where TVec : struct
    {
        long row = (long)g.OutputWidth * filters;
        var at = new TileWalk(first, g);
        for (int i = 0; i < block; i++, at.Next(g))
        {
            int top = at.Top, left = at.Left;
            float* y00 = z + (long)at.Sample * g.OutputPixels * filters + (top * row + (long)left * filters);
            // Pixels past the edge are written to the tile's first pixel, which is written last, so they vanish.
            bool down = top + 1 < g.OutputHeight, right = left + 1 < g.OutputWidth;
            float* y01 = right ? y00 + filters : y00, y10 = down ? y00 + row : y00, y11 = down && right ? y00 + row + filters : y00;
            float* source = m + (long)i * filters;
            int f = 0;
            for (; f <= filters - TOps.Count; f += TOps.Count) TransformOutput<TOps, TVec>(source + f, stride, bias + f, y00 + f, y01 + f, y10 + f, y11 + f);
            for (; f < filters; f++) TransformOutput<OpsScalar, float>(source + f, stride, bias + f, y00 + f, y01 + f, y10 + f, y11 + f);
        }
    }

    // Aᵀ·M·A + bias for one vector of filters, M's 16 values stride floats apart. Rows first: s = Aᵀ·M, (m0 + m1 + m2, m1 − m2 − m3)
    // down each column; then each row of s times A, the same across, plus the bias; the first pixel last.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void TransformOutput<TOps, TVec>(float* m, long stride, float* bias, float* y00, float* y01, float* y10, float* y11)
        where TOps : struct, IVectorOps<TVec> where TVec : struct
    {
        TVec m00 = TOps.Load(m), m01 = TOps.Load(m + stride), m02 = TOps.Load(m + 2 * stride), m03 = TOps.Load(m + 3 * stride);
        TVec m10 = TOps.Load(m + 4 * stride), m11 = TOps.Load(m + 5 * stride), m12 = TOps.Load(m + 6 * stride), m13 = TOps.Load(m + 7 * stride);
        TVec m20 = TOps.Load(m + 8 * stride), m21 = TOps.Load(m + 9 * stride), m22 = TOps.Load(m + 10 * stride), m23 = TOps.Load(m + 11 * stride);
        TVec m30 = TOps.Load(m + 12 * stride), m31 = TOps.Load(m + 13 * stride), m32 = TOps.Load(m + 14 * stride), m33 = TOps.Load(m + 15 * stride);
        TVec s00 = TOps.Add(TOps.Add(m00, m10), m20), s01 = TOps.Add(TOps.Add(m01, m11), m21);
        TVec s02 = TOps.Add(TOps.Add(m02, m12), m22), s03 = TOps.Add(TOps.Add(m03, m13), m23);
        TVec s10 = TOps.Subtract(TOps.Subtract(m10, m20), m30), s11 = TOps.Subtract(TOps.Subtract(m11, m21), m31);
        TVec s12 = TOps.Subtract(TOps.Subtract(m12, m22), m32), s13 = TOps.Subtract(TOps.Subtract(m13, m23), m33);
        TVec beta = TOps.Load(bias);
        TOps.Store(TOps.Add(TOps.Subtract(TOps.Subtract(s11, s12), s13), beta), y11);
        TOps.Store(TOps.Add(TOps.Add(TOps.Add(s10, s11), s12), beta), y10);
        TOps.Store(TOps.Add(TOps.Subtract(TOps.Subtract(s01, s02), s03), beta), y01);
        TOps.Store(TOps.Add(TOps.Add(TOps.Add(s00, s01), s02), beta), y00);
    }
}
