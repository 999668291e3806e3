namespace ModelGen;

/// <summary>
/// Argument checks of the row-wise kernels (<see cref="Normalization"/>, <see cref="Merging"/>, global average
/// pooling, depthwise convolution): counts are not negative, and each span holds at least the values the shapes say.
/// </summary>
internal static class ShapeChecks
{
    /// <summary>Throws unless <paramref name="value"/> ≥ <paramref name="minimum"/>.</summary>
    public static void AtLeast(int value, int minimum, string name)
    {
        if (value < minimum)
            throw new ArgumentOutOfRangeException(name, value, $"'{name}' must be at least {minimum}.");
    }

    /// <summary>Throws unless the span <paramref name="name"/> holds at least <paramref name="needed"/> values (<paramref name="shape"/> says why).</summary>
    public static void Length(int length, long needed, string name, string shape)
    {
        if (length < needed)
            throw new ArgumentException($"The span '{name}' holds {length} values, but {shape} needs {needed}.", name);
    }

    /// <summary>Throws unless the span <paramref name="name"/> is empty or holds at least <paramref name="needed"/> values.</summary>
    public static void EmptyOrLength(int length, long needed, string name, string shape)
    {
        if (length != 0) Length(length, needed, name, shape);
    }
}
