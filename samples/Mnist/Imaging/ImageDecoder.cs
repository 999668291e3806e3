using StbImageSharp;

namespace ModelGen.Samples.Mnist.Imaging;

/// <summary>
/// Decodes a PNG or JPEG (or BMP, GIF, TGA: whatever stb_image reads) held in memory as a grayscale image, bounded
/// before it is decoded: at most <see cref="MaxSide"/> pixels wide and high as the header declares them, so a
/// small file that declares a huge picture is refused at once instead of taking minutes and gigabytes. The
/// sample's predict reads files through <see cref="ImageFileReader"/>; the serving sample's POST /predict
/// decodes request bodies here, so both preprocess alike.
/// </summary>
public static class ImageDecoder
{
    /// <summary>The largest width and height accepted, in pixels.</summary>
    public const int MaxSide = 4096;

    /// <summary>The image in <paramref name="bytes"/>, in grayscale; <paramref name="source"/> names it in errors.</summary>
    /// <exception cref="SampleException">The bytes are not an image this decoder understands, or declare too many pixels.</exception>
    public static GrayImage Decode(byte[] bytes, string source)
    {
        ImageInfo? info;
        try
        {
            using var header = new MemoryStream(bytes, writable: false);
            info = ImageInfo.FromStream(header);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            info = null;
        }
        if (info is not { } declared)
            throw new SampleException($"{source}: not a PNG or JPEG image that can be read (the file's header is not one of an image format this reader knows).");
        if (declared.Width > MaxSide || declared.Height > MaxSide || declared.Width < 1 || declared.Height < 1)
            throw new SampleException($"{source}: the image declares {declared.Width}×{declared.Height} pixels; at most {MaxSide}×{MaxSide} are accepted (scale it down first).");

        ImageResult image;
        try
        {
            image = ImageResult.FromMemory(bytes, ColorComponents.RedGreenBlueAlpha);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // stb_image reports every decoding problem with a plain Exception, whose text can hold control characters.
            throw new SampleException($"{source}: not a PNG or JPEG image that can be read ({Printable(e.Message)}; is the file truncated or damaged?).", e);
        }
        return ToGray(image.Width, image.Height, image.Data);
    }

    private static string Printable(string message)
    {
        string text = new string(message.Select(c => char.IsControl(c) ? ' ' : c).ToArray()).Trim().TrimEnd('.');
        text = string.Join(' ', text.Split(' ', StringSplitOptions.RemoveEmptyEntries));
        return text.Length == 0 ? "the decoder gave no reason" : text;
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
