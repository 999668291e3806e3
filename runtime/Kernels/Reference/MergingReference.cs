namespace ModelGen;

/// <summary>The naive reference for <see cref="Merging"/>'s channel concatenation and its backward: one value at a time. Not used by generated models.</summary>
public static class MergingReference
{
    /// <summary>y[r, offset + k] = x[r, k].</summary>
    public static void CopyChannels(ReadOnlySpan<float> x, Span<float> y, int rows, int channels, int offset, int totalChannels)
    {
        for (int r = 0; r < rows; r++)
            for (int k = 0; k < channels; k++) y[r * totalChannels + offset + k] = x[r * channels + k];
    }

    /// <summary>dx[r, k] = dy[r, offset + k].</summary>
    public static void SliceChannels(ReadOnlySpan<float> dy, Span<float> dx, int rows, int channels, int offset, int totalChannels)
    {
        for (int r = 0; r < rows; r++)
            for (int k = 0; k < channels; k++) dx[r * channels + k] = dy[r * totalChannels + offset + k];
    }
}
