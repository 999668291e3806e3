using System.Buffers;
using System.Numerics.Tensors;

namespace ModelGen;

/// <summary>
/// The dense-layer matrix products every generated model calls. Matrices are row-major:
/// x [rows, inputs], W [inputs, units] (Keras' kernel layout), y / dz [rows, units].
/// Each routine overwrites its output, so no buffer needs clearing first, and visits the data in a
/// fixed order, so results are bit-identical run after run on the same machine.
/// </summary>
/// <remarks>
/// The products are written as "for each row, for each non-zero input, y_row += x_i · W_i": an
/// input row's zeros (image background, ReLU outputs) are found with a vector scan and skipped, which
/// changes no finite result and saves most of the work on MNIST. The output rows are held in registers:
/// one row eight vectors wide (<see cref="RowKernels"/>), four rows at a time (<see cref="RowGroupKernels"/>),
/// or, for 16 columns or fewer, 16 rows across the lanes (<see cref="NarrowProduct"/>).
/// </remarks>
public static unsafe class Kernels
{
    /// <summary>Inputs up to this many get their non-zero index list on the stack.</summary>
    private const int StackIndexLimit = 4096;


    /// <summary>Threads the kernels use, the caller included (all cores, or MODELGEN_THREADS).</summary>
    public static int Threads => WorkerPool.Threads;

    /// <summary>How many kernel calls made on the calling thread were split across the cores (a diagnostic: a call runs on its caller alone while another thread holds the cores).</summary>
    public static long ParallelCallsOnThisThread => WorkerPool.ParallelCallsOnThisThread;

    /// <summary>Bytes allocated by kernel work on worker threads since start-up; the contract is zero.</summary>
    public static long WorkerAllocatedBytes => WorkerPool.WorkerAllocatedBytes;

    /// <summary>
    /// Whether large products may use every core (default true). Results are bit-identical either way;
    /// turn it off when you run many models on many threads yourself.
    /// </summary>
    public static bool AllowParallel { get; set; } = true;

    /// <summary>
    /// Products of at least this many multiply-adds (rows × inputs × units, before zero skipping) use
    /// every core; default 2²³. Below it, handing half a product to another core costs more than it saves
    /// once the step's other kernels run: the MNIST MLP's training step (products of 3.2 million at batch
    /// 32) took 128 µs split over two cores and 93 µs on one, because the weights, their gradients and
    /// Adam's updates then travel between the two cores' caches every step. A convolution's products
    /// (tens of millions) still split. Results are bit-identical either way.
    /// </summary>
    public static long ParallelThreshold
    {
        get => s_parallelThreshold;
        set => s_parallelThreshold = value >= 1 ? value : throw new ArgumentOutOfRangeException(nameof(value), value, "The threshold must be at least 1.");
    }

    private static long s_parallelThreshold = 1 << 23;

    private static bool Parallel(int rows, int inputs, int units) => AllowParallel && (long)rows * inputs * units >= s_parallelThreshold;

    /// <summary>y = x·W + b.</summary>
    public static void Affine(ReadOnlySpan<float> x, ReadOnlySpan<float> w, ReadOnlySpan<float> b, Span<float> y,
        int rows, int inputs, int units)
    {
        CheckShapes(x.Length, rows, inputs, w.Length, y.Length, units);
        if (b.Length < units) ThrowTooShort(nameof(b));
        fixed (float* px = x, pw = w, pb = b, py = y)
        {
            var args = new KernelArgs { A = px, B = pw, C = pb, D = py, Rows = rows, Inputs = inputs, Units = units };
            WorkerPool.Run(&AffinePart, ref args, rows > 1 && Parallel(rows, inputs, units));
        }
    }

    // Rows of y are independent: each part takes a contiguous block of them.
    private static void AffinePart(ref KernelArgs a, int chunk, int chunks)
    {
        var (first, end) = WorkerPool.Range(a.Rows, chunk, chunks);
        AccumulateRowBlock(a.A, a.B, a.C, a.D, first, end, a.Inputs, a.Units);
    }

    /// <summary>Blocks of at least this many rows may take <see cref="RegisterTiles"/>.</summary>
    private const int TiledRows = 16;

    /// <summary>Rows [first, end) of y = x·M (+ start when <paramref name="start"/> is not null), M [inputs, units].</summary>
    internal static void AccumulateRowBlock(float* x, float* m, float* start, float* y, int first, int end, int inputs, int units)
    {
        if (RegisterTiles.Suits(units) && end - first >= TiledRows
            && (NarrowProduct.Suits(end - first, inputs, units) || RegisterTiles.Dense(x + (long)first * inputs, end - first, inputs)))
        {
            // Dense rows (a convolution's patches), or 16 columns, where the rows-across-lanes kernel skips
            // no zeros either: tiles of y in registers, the same sums.
            var tiles = new RegisterTiles.Operands { A = x, ARow = inputs, AStep = 1, B = m, BStep = units, Steps = inputs, Start = start, C = y, CRow = units, Columns = units };
            RegisterTiles.Rows(tiles, first, end);
            return;
        }
        if (NarrowProduct.Suits(end - first, inputs, units))
        {
            NarrowProduct.Accumulate(x, m, start, y, first, end, inputs, units);
            return;
        }
        int[]? rented = null;
        Span<int> nonZero = inputs <= StackIndexLimit ? stackalloc int[inputs] : (rented = ArrayPool<int>.Shared.Rent(inputs));
        var mSpan = new ReadOnlySpan<float>(m, inputs * units);
        ReadOnlySpan<float> startSpan = start == null ? default : new ReadOnlySpan<float>(start, units);
        int r = first;
        if (RowGroupKernels.Suit(units, inputs))
            for (; r + RowGroupKernels.Rows <= end; r += RowGroupKernels.Rows)
                RowGroupKernels.Accumulate(x + (long)r * inputs, inputs, m, units, start, y + (long)r * units, nonZero);
        for (; r < end; r++)
        {
            var xRow = new ReadOnlySpan<float>(x + (long)r * inputs, inputs);
            int count = RowKernels.NonZeroIndices(xRow, nonZero);
            RowKernels.AccumulateRows<ByIndex>(xRow, nonZero.Slice(0, count), mSpan, units, startSpan, new Span<float>(y + (long)r * units, units));
        }
        if (rented is not null) ArrayPool<int>.Shared.Return(rented);
    }

    /// <summary>dW = xᵀ·dz, the weight gradient summed over the rows.</summary>
    /// <remarks>
    /// Each dW value is Σ_r x[r, i]·dz[r, u], in an order fixed by the shapes alone: wide layers list each
    /// input's non-zero rows once (a compressed column form of x) and then sum every dW row in registers,
    /// over the rows in order; narrow layers (few units) compute dWᵀ with the row kernel and transpose
    /// it; tall products (a convolution's patch matrix: many rows, few inputs) sum fixed blocks of rows
    /// into partial dWs with rank-one updates and add the partials in order (<see cref="TallWeightGradient"/>).
    /// </remarks>
    public static void WeightGradient(ReadOnlySpan<float> x, ReadOnlySpan<float> dz, Span<float> dw,
        int rows, int inputs, int units)
    {
        CheckShapes(x.Length, rows, inputs, dw.Length, dz.Length, units);
        if (NarrowWeightGradientSuits(rows, inputs, units))
        {
            NarrowWeightGradient(x, dz, dw, rows, inputs, units);
            return;
        }
        fixed (float* px = x, pdz = dz, pdw = dw)
        {
            if (TallWeightGradient.Suits(rows, inputs, units))
            {
                TallWeightGradient.Run(px, pdz, pdw, rows, inputs, units, Parallel(rows, inputs, units));
                return;
            }
            var args = new KernelArgs { A = px, B = pdz, C = pdw, Rows = rows, Inputs = inputs, Units = units };
            WorkerPool.Run(&WeightGradientPart, ref args, inputs > 1 && Parallel(rows, inputs, units));
        }
    }

    /// <summary>Whether <see cref="WeightGradient"/> computes dWᵀ on the stack for this shape.</summary>
    internal static bool NarrowWeightGradientSuits(int rows, int inputs, int units) =>
        units < 64 && (long)inputs * units <= 16384 && (long)rows * units <= 16384;

    // Rows of dW (one per input feature) are independent: each chunk owns a block of them, lists the
    // non-zero rows of its block of x's columns, and sums each dW row over them in registers.
    private static void WeightGradientPart(ref KernelArgs a, int chunk, int chunks)
    {
        var (first, end) = WorkerPool.Range(a.Inputs, chunk, chunks);
        int width = end - first, rows = a.Rows, inputs = a.Inputs, units = a.Units;
        if (width <= 0) return;
        if (rows <= MaskedRows && width <= StackIndexLimit)
        {
            MaskedWeightGradient(ref a, first, width);
            return;
        }
        ColumnLists lists = ColumnLists.For(rows, width, chunk, chunks);
        lists.Build(new ReadOnlySpan<float>(a.A, rows * inputs), rows, inputs, first, width);
        var dz = new ReadOnlySpan<float>(a.B, rows * units);
        for (int i = 0; i < width; i++)
        {
            int start = lists.Starts[i], count = lists.Starts[i + 1] - start;
            var dwRow = new Span<float>(a.C + (long)(first + i) * units, units);
            if (count == 0)
            {
                dwRow.Clear(); // an input that is zero in every row of the batch (an image's border)
                continue;
            }
            RowKernels.AccumulateRows<ByPosition>(lists.Values.AsSpan(start, count), lists.Rows.AsSpan(start, count), dz, units, default, dwRow);
        }
    }

    /// <summary>Batches up to this many rows find each input's non-zero rows with one bit mask per input.</summary>
    private const int MaskedRows = 64;

    // The same sums as WeightGradientPart's lists, for a batch of at most 64 rows: one pass over x sets bit
    // r of input i's mask where x[r, i] ≠ 0, and each dW row then gathers its few values (ascending rows,
    // as the lists have them) on the stack. No counting, prefix sums or scattered fills: the lists cost
    // more than the multiply-adds they feed on a training batch of 32 images.
    private static void MaskedWeightGradient(ref KernelArgs a, int first, int width)
    {
        int rows = a.Rows, inputs = a.Inputs, units = a.Units;
        Span<ulong> masks = stackalloc ulong[width];
        masks.Clear();
        Span<int> nonZero = stackalloc int[width];
        for (int r = 0; r < rows; r++)
        {
            int count = RowKernels.NonZeroIndices(new ReadOnlySpan<float>(a.A + (long)r * inputs + first, width), nonZero);
            ulong bit = 1UL << r;
            for (int k = 0; k < count; k++) masks[nonZero[k]] |= bit;
        }
        Span<int> rowList = stackalloc int[MaskedRows];
        Span<float> values = stackalloc float[MaskedRows];
        var dz = new ReadOnlySpan<float>(a.B, rows * units);
        for (int i = 0; i < width; i++)
        {
            ulong mask = masks[i];
            var dwRow = new Span<float>(a.C + (long)(first + i) * units, units);
            if (mask == 0)
            {
                dwRow.Clear(); // an input that is zero in every row of the batch (an image's border)
                continue;
            }
            float* column = a.A + first + i;
            int count = 0;
            while (mask != 0)
            {
                int r = System.Numerics.BitOperations.TrailingZeroCount(mask);
                rowList[count] = r;
                values[count++] = column[(long)r * inputs];
                mask &= mask - 1;
            }
            RowKernels.AccumulateRows<ByPosition>(values.Slice(0, count), rowList.Slice(0, count), dz, units, default, dwRow);
        }
    }

    // Few units: dWᵀ [units, inputs] = dzᵀ·x, one long contiguous row per unit, then transposed.
    // The stack holds dzᵀ and dWᵀ (at most 64 KB each) and a row index list (4 bytes per row).
    private static void NarrowWeightGradient(ReadOnlySpan<float> x, ReadOnlySpan<float> dz, Span<float> dw,
        int rows, int inputs, int units)
    {
        Span<float> dzT = stackalloc float[rows * units];
        for (int r = 0; r < rows; r++)
            for (int u = 0; u < units; u++) dzT[u * rows + r] = dz[r * units + u];
        Span<float> dwT = stackalloc float[inputs * units];
        Span<int> nonZero = stackalloc int[rows];
        for (int u = 0; u < units; u++)
        {
            ReadOnlySpan<float> coefficients = dzT.Slice(u * rows, rows);
            int count = RowKernels.NonZeroIndices(coefficients, nonZero);
            RowKernels.AccumulateRows<ByIndex>(coefficients, nonZero.Slice(0, count), x, inputs, default, dwT.Slice(u * inputs, inputs));
        }
        for (int i = 0; i < inputs; i++)
            for (int u = 0; u < units; u++) dw[i * units + u] = dwT[u * inputs + i];
    }

    /// <summary>db = Σ_rows dz.</summary>
    public static void BiasGradient(ReadOnlySpan<float> dz, Span<float> db, int rows, int units)
    {
        if (dz.Length < (long)rows * units) ThrowTooShort(nameof(dz));
        if (db.Length < units) ThrowTooShort(nameof(db));
        ColumnSums.Sum(dz, db, rows, units);
    }

    /// <summary>dx = dz·Wᵀ, the gradient passed to the previous layer.</summary>
    public static void InputGradient(ReadOnlySpan<float> dz, ReadOnlySpan<float> w, Span<float> dx,
        int rows, int inputs, int units)
    {
        CheckShapes(dx.Length, rows, inputs, w.Length, dz.Length, units);
        bool parallel = rows > 1 && Parallel(rows, inputs, units);
        if (TransposesWeights(rows, inputs, units))
        {
            // Few units, or many rows (a convolution's patch gradient, up to ResNet's 3×3×64 → 64): transpose W once (at most 256 KB,
            // on the stack) and reuse the row kernel, dx_row = Σ_u dz_u · Wᵀ_u, whose rows are long and
            // contiguous and which skips the zeros of dz (ReLU's).
            float* wT = stackalloc float[inputs * units];
            for (int i = 0; i < inputs; i++)
                for (int u = 0; u < units; u++) wT[u * inputs + i] = w[i * units + u];
            fixed (float* pdz = dz, pdx = dx)
            {
                var args = new KernelArgs { A = pdz, B = wT, D = pdx, Rows = rows, Inputs = units, Units = inputs };
                WorkerPool.Run(&TransposedInputGradientPart, ref args, parallel);
            }
            return;
        }
        fixed (float* pdz = dz, pw = w, pdx = dx)
        {
            var args = new KernelArgs { A = pdz, B = pw, D = pdx, Rows = rows, Inputs = inputs, Units = units };
            WorkerPool.Run(&DotInputGradientPart, ref args, parallel);
        }
    }

    /// <summary>Whether <see cref="InputGradient"/> multiplies by a transposed copy of W (at most 256 KB, on the stack) for this shape.</summary>
    internal static bool TransposesWeights(int rows, int inputs, int units) =>
        (units < 64 && (long)inputs * units <= 16384) || ((long)inputs * units <= 65536 && rows >= 1024);

    // dx = dz·(Wᵀ) as a row product with M = Wᵀ [units, inputs]; Inputs/Units are M's shape here.
    private static void TransposedInputGradientPart(ref KernelArgs a, int chunk, int chunks)
    {
        var (first, end) = WorkerPool.Range(a.Rows, chunk, chunks);
        AccumulateRowBlock(a.A, a.B, null, a.D, first, end, a.Inputs, a.Units);
    }

    // Many units: each dx value is a dot product of two contiguous rows, dz_r · W_i.
    private static void DotInputGradientPart(ref KernelArgs a, int chunk, int chunks)
    {
        var (first, end) = WorkerPool.Range(a.Rows, chunk, chunks);
        int inputs = a.Inputs, units = a.Units;
        for (int r = first; r < end; r++)
        {
            var dzRow = new ReadOnlySpan<float>(a.A + (long)r * units, units);
            float* dxRow = a.D + (long)r * inputs;
            for (int i = 0; i < inputs; i++) dxRow[i] = TensorPrimitives.Dot(dzRow, new ReadOnlySpan<float>(a.B + (long)i * units, units));
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
