namespace ModelGen;

/// <summary>
/// A block of columns of a batch x [rows, inputs] in compressed-column form: for each input i of the
/// block, the rows r with x[r, i] ≠ 0, in ascending order, and those values. The weight gradient walks it to sum each dW row in
/// registers. The buffers grow to the largest batch seen, so after the first call of a shape nothing is
/// allocated. A serial call uses its thread's own lists; a parallel call gives each chunk its own lists,
/// whichever thread runs it: sizes then depend only on the call, not on which thread took which chunk,
/// so a warm-up call allocates everything once and later calls allocate nothing.
/// </summary>
internal sealed class ColumnLists
{
    [ThreadStatic] private static ColumnLists? t_lists;

    // One per chunk of a parallel call; the pool runs one call at a time and each chunk once, so a
    // chunk's lists are never shared.
    private static readonly ColumnLists?[] s_chunkLists = new ColumnLists?[WorkerPool.ParallelChunks];

    /// <summary>Column i's entries are [Starts[i], Starts[i + 1]).</summary>
    public int[] Starts = [];
    /// <summary>The row of each entry.</summary>
    public int[] Rows = [];
    /// <summary>The value x[row, i] of each entry.</summary>
    public float[] Values = [];

    private int[] _rowIndices = [];
    private int[] _rowCounts = [];

    /// <summary>The lists of chunk <paramref name="chunk"/> of <paramref name="chunks"/>, with room for a batch of the given shape.</summary>
    public static ColumnLists For(int rows, int inputs, int chunk, int chunks)
    {
        ColumnLists lists = chunks == 1
            ? t_lists ??= new ColumnLists()
            : s_chunkLists[chunk] ??= new ColumnLists();
        long cells = (long)rows * inputs;
        if (lists.Starts.Length < inputs + 1) lists.Starts = new int[inputs + 1];
        if (lists.Rows.Length < cells)
        {
            lists.Rows = new int[cells];
            lists.Values = new float[cells];
            lists._rowIndices = new int[cells];
        }
        if (lists._rowCounts.Length < rows) lists._rowCounts = new int[rows];
        return lists;
    }

    /// <summary>Fills the lists for columns [first, first + width) of <paramref name="x"/> [rows, inputs]; column i of the block is input first + i.</summary>
    public void Build(ReadOnlySpan<float> x, int rows, int inputs, int first, int width)
    {
        int stride = inputs;
        inputs = width;
        Span<int> starts = Starts.AsSpan(0, inputs + 1);
        starts.Clear();
        // Each row's non-zero inputs in the block (a vector scan), counted per column.
        for (int r = 0; r < rows; r++)
        {
            Span<int> indices = _rowIndices.AsSpan(r * inputs, inputs);
            int count = _rowCounts[r] = RowKernels.NonZeroIndices(x.Slice(r * stride + first, inputs), indices);
            for (int k = 0; k < count; k++) starts[indices[k] + 1]++;
        }
        for (int i = 0; i < inputs; i++) starts[i + 1] += starts[i];
        // Fill in row order, so each column's rows come out ascending; starts[i] serves as column i's
        // cursor and ends at the next column's start, so shift it back afterwards.
        for (int r = 0; r < rows; r++)
        {
            ReadOnlySpan<int> indices = _rowIndices.AsSpan(r * inputs, _rowCounts[r]);
            ReadOnlySpan<float> row = x.Slice(r * stride + first, inputs);
            foreach (int i in indices)
            {
                int position = starts[i]++;
                Rows[position] = r;
                Values[position] = row[i];
            }
        }
        for (int i = inputs; i > 0; i--) starts[i] = starts[i - 1];
        starts[0] = 0;
    }
}
