using StbImageSharp;

namespace ModelGen.Samples.Mnist.Imaging;

/// <summary>Reads a PNG or JPEG file (or BMP, GIF, TGA: whatever stb_image reads) as a grayscale image.</summary>
public static class ImageFileReader
{
    /// <summary>The image in <paramref name="path"/>, in grayscale.</summary>
    /// <exception cref="SampleException">The file is not an image this reader understands.</exception>
    public static GrayImage Read(string path)
    {
        byte[] bytes = File.ReadAllBytes(path);
        ImageResult image;
        try
        {
            image = ImageResult.FromMemory(bytes, ColorComponents.RedGreenBlueAlpha);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // stb_image reports every decoding problem with a plain Exception.
            throw new SampleException($"{path}: not a PNG or JPEG image that can be read ({e.Message.TrimEnd('.')}).", e);
        }
        return ToGray(image.Width, image.Height, image.Data);
    }

    /// <summary>
    /// Luminance (Rec. 601 weights) of RGBA pixels. Transparency is handled in the way drawings use it:
    /// when the border is mostly transparent, the strokes are whatever is opaque, so the result is
    /// 1 − alpha (dark ink on white, whatever colour the strokes are); otherwise the image is laid on white.
    /// </summary>
    public static GrayImage ToGray(int width, int height, ReadOnlySpan<byte> rgba)
    {
        var gray = new float[width * height];
        bool inkIsAlpha = BorderIsTransparent(width, height, rgba);
        for (int i = 0; i < gray.Length; i++)
        {
            float r = rgba[4 * i], g = rgba[4 * i + 1], b = rgba[4 * i + 2], a = rgba[4 * i + 3] / 255f;
            float luminance = (0.299f * r + 0.587f * g + 0.114f * b) / 255f;
            gray[i] = inkIsAlpha ? 1f - a : luminance * a + (1f - a);
        }
        return new GrayImage(width, height, gray);
    }

    private static bool BorderIsTransparent(int width, int height, ReadOnlySpan<byte> rgba)
    {
        int transparent = 0, border = 0;
        for (int y = 0; y < height; y++)
        for (int x = 0; x < width; x++)
        {
            if (x != 0 && y != 0 && x != width - 1 && y != height - 1) continue;
            border++;
            if (rgba[4 * (y * width + x) + 3] < 128) transparent++;
        }
        return transparent * 2 > border;
    }
}
