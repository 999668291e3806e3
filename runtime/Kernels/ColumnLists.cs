namespace ModelGen;

/// <summary>
/// A block of columns of a batch x [rows, inputs] in compressed-column form: for each input i of the
/// block, the rows r with x[r, i] ≠ 0, in ascending order, and those values. The weight gradient walks it to sum each dW row in
/// registers. The buffers belong to the calling thread and grow to the largest batch seen, so after
/// the first call nothing is allocated.
/// </summary>
internal sealed class ColumnLists
{
    [ThreadStatic] private static ColumnLists? t_lists;

    /// <summary>Column i's entries are [Starts[i], Starts[i + 1]).</summary>
    public int[] Starts = [];
    /// <summary>The row of each entry.</summary>
    public int[] Rows = [];
    /// <summary>The value x[row, i] of each entry.</summary>
    public float[] Values = [];

    private int[] _rowIndices = [];
    private int[] _rowCounts = [];

    /// <summary>This thread's lists, with room for a batch of the given shape.</summary>
    public static ColumnLists For(int rows, int inputs)
    {
        ColumnLists lists = t_lists ??= new ColumnLists();
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
