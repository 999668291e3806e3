namespace ModelGen.Samples.Mnist.Imaging;

/// <summary>A grayscale image: row-major luminance, 0 for black and 1 for white.</summary>
public sealed class GrayImage
{
    /// <summary>Wraps <paramref name="pixels"/>, which must hold <paramref name="width"/> × <paramref name="height"/> values.</summary>
    public GrayImage(int width, int height, float[] pixels)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        if (pixels.Length != (long)width * height)
            throw new ArgumentException($"{pixels.Length} pixels for a {width}x{height} image.", nameof(pixels));
        Width = width;
        Height = height;
        Pixels = pixels;
    }

    /// <summary>Columns.</summary>
    public int Width { get; }

    /// <summary>Rows.</summary>
    public int Height { get; }

    /// <summary>Luminance 0..1, [Height, Width] row-major.</summary>
    public float[] Pixels { get; }

    /// <summary>The pixel at column <paramref name="x"/>, row <paramref name="y"/>.</summary>
    public float this[int x, int y] => Pixels[y * Width + x];
}
