namespace ModelGen.Samples.Mnist.Imaging;

/// <summary>
/// Reads a PNG or JPEG file (or BMP, GIF, TGA: whatever stb_image reads) as a grayscale image. Files are
/// bounded before they are decoded: at most <see cref="MaxFileBytes"/> bytes, and at most
/// <see cref="MaxSide"/> pixels wide and high as the file's header declares them (see <see cref="ImageDecoder"/>).
/// </summary>
public static class ImageFileReader
{
    /// <summary>The largest width and height accepted, in pixels.</summary>
    public const int MaxSide = ImageDecoder.MaxSide;

    /// <summary>The largest file accepted, in bytes (32 MiB).</summary>
    public const long MaxFileBytes = 32L << 20;

    /// <summary>The image in <paramref name="path"/>, in grayscale.</summary>
    /// <exception cref="SampleException">The file is missing, unreadable, too large, or not an image this reader understands.</exception>
    public static GrayImage Read(string path) => ImageDecoder.Decode(ReadBounded(path), path);

    private static byte[] ReadBounded(string path)
    {
        if (Directory.Exists(path)) throw new SampleException($"{path}: is a folder, not an image file.");
        try
        {
            using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
            if (file.Length > MaxFileBytes)
                throw new SampleException(string.Create(System.Globalization.CultureInfo.InvariantCulture,
                    $"{path}: the file is {file.Length:N0} bytes; images of at most {MaxFileBytes >> 20} MiB ({MaxFileBytes:N0} bytes) are accepted."));
            var bytes = new byte[file.Length];
            file.ReadExactly(bytes);
            return bytes;
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new SampleException($"{path}: the file does not exist.", e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new SampleException($"{path}: the file cannot be read ({Output.OutputFolder.Reason(e)}).", e);
        }
    }
}
