namespace ModelGen;

/// <summary>
/// The shape of one sample's tensor between layers: an image, [Height, Width, Channels] stored channels-last
/// and row-major, or a flat vector of <see cref="Size"/> values (Height = Width = 1, <see cref="IsImage"/> false).
/// </summary>
public readonly record struct TensorShape(int Height, int Width, int Channels, bool IsImage)
{
    /// <summary>A flat vector of <paramref name="size"/> values.</summary>
    public static TensorShape Flat(int size) => new(1, 1, size, false);

    /// <summary>An image of <paramref name="height"/> × <paramref name="width"/> pixels with <paramref name="channels"/> channels.</summary>
    public static TensorShape Image(int height, int width, int channels) => new(height, width, channels, true);

    /// <summary>Values per sample.</summary>
    public int Size => Height * Width * Channels;

    /// <summary>"[28, 28, 1]" for an image, "[784]" for a flat vector.</summary>
    public override string ToString() => IsImage ? $"[{Height}, {Width}, {Channels}]" : $"[{Size}]";
}
