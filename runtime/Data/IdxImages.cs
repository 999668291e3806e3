namespace ModelGen.Data;

/// <summary>The content of an IDX image file: <see cref="Count"/> images of unsigned-byte pixels.</summary>
public sealed class IdxImages
{
    /// <summary>Wraps <paramref name="pixels"/>, which must hold exactly count × rows × columns bytes.</summary>
    public IdxImages(int count, int rows, int columns, byte[] pixels)
    {
        ArgumentNullException.ThrowIfNull(pixels);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(rows);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(columns);
        if ((long)count * rows * columns != pixels.Length)
            throw new ArgumentException($"{count} images of {rows}x{columns} need {(long)count * rows * columns} bytes; got {pixels.Length}.", nameof(pixels));
        Count = count;
        Rows = rows;
        Columns = columns;
        Pixels = pixels;
    }

    /// <summary>The number of images.</summary>
    public int Count { get; }

    /// <summary>The height of each image.</summary>
    public int Rows { get; }

    /// <summary>The width of each image.</summary>
    public int Columns { get; }

    /// <summary>The pixels, [Count, Rows, Columns] row-major, 0 = background in MNIST.</summary>
    public byte[] Pixels { get; }
}
