namespace ModelGen;

/// <summary>
/// Argument checks shared by the convolution and pooling kernels. The kernels use unchecked pointers,
/// so every public entry first proves that the geometry is well formed and that each span holds the
/// batch it is said to hold; after that every window, clipped to the image, stays inside the spans.
/// </summary>
internal static class ConvChecks
{
    /// <summary>A call's work, in values moved, from which it is split across the cores: below it, waking a worker costs more than it saves.</summary>
    private const long ParallelThreshold = 1 << 16;

    /// <summary>Whether a call over <paramref name="batch"/> samples of <paramref name="valuesPerSample"/> values each is worth the worker pool.</summary>
    public static bool Parallel(int batch, long valuesPerSample) =>
        Kernels.AllowParallel && batch > 1 && batch * valuesPerSample >= ParallelThreshold;

    /// <summary>Throws unless sizes and strides are positive, each padding is smaller than its window, and every window position fits an int.</summary>
    public static void Geometry(in ConvGeometry g)
    {
        if (g.InputHeight < 1 || g.InputWidth < 1 || g.Channels < 1 || g.WindowHeight < 1 || g.WindowWidth < 1
            || g.StrideHeight < 1 || g.StrideWidth < 1 || g.OutputHeight < 1 || g.OutputWidth < 1)
            throw new ArgumentException($"Every size and stride of the geometry must be at least 1: {g}.", nameof(g));
        if (g.PadTop < 0 || g.PadTop >= g.WindowHeight || g.PadLeft < 0 || g.PadLeft >= g.WindowWidth)
            throw new ArgumentException($"The geometry's padding must be in [0, window): {g}.", nameof(g));
        if ((long)(g.OutputHeight - 1) * g.StrideHeight + g.WindowHeight > int.MaxValue
            || (long)(g.OutputWidth - 1) * g.StrideWidth + g.WindowWidth > int.MaxValue
            || (long)g.InputHeight * g.InputWidth * g.Channels > int.MaxValue
            || (long)g.WindowHeight * g.WindowWidth * g.Channels > int.MaxValue)
            throw new ArgumentException($"The geometry is too large: {g}.", nameof(g));
    }

    /// <summary>Throws unless <paramref name="batch"/> is not negative.</summary>
    public static void Batch(int batch)
    {
        if (batch < 0) throw new ArgumentOutOfRangeException(nameof(batch), batch, "The batch size must not be negative.");
    }

    /// <summary>Throws unless the span <paramref name="name"/> holds at least batch × <paramref name="perSample"/> values.</summary>
    public static void Length(int length, int batch, long perSample, string name, string sizeName)
    {
        long needed = batch * perSample;
        if (length < needed)
            throw new ArgumentException(
                $"The span '{name}' holds {length} values, but batch × {sizeName} needs {needed} (batch {batch}, {sizeName} {perSample}).", name);
    }
}
