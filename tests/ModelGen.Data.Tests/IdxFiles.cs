using System.Buffers.Binary;
using System.IO.Compression;

namespace ModelGen.Data.Tests;

/// <summary>Builds IDX file bytes by hand, from the format's description, for good and malformed test files.</summary>
internal static class IdxFiles
{
    /// <summary>A header: 0, 0, element type, dimension count, then each dimension big-endian.</summary>
    public static byte[] Header(byte elementType, byte rank, params uint[] dimensions)
    {
        var header = new byte[4 + 4 * dimensions.Length];
        header[2] = elementType;
        header[3] = rank;
        for (int d = 0; d < dimensions.Length; d++) BinaryPrimitives.WriteUInt32BigEndian(header.AsSpan(4 + 4 * d), dimensions[d]);
        return header;
    }

    /// <summary>A valid image file whose pixel i is (i * 7 + 3) mod 256.</summary>
    public static byte[] Images(int count, int rows = 28, int columns = 28) =>
        [.. Header(0x08, 3, (uint)count, (uint)rows, (uint)columns), .. Pixels(count * rows * columns)];

    public static byte[] Pixels(int length) => Enumerable.Range(0, length).Select(i => (byte)(i * 7 + 3)).ToArray();

    /// <summary>A valid label file.</summary>
    public static byte[] Labels(params byte[] labels) => [.. Header(0x08, 1, (uint)labels.Length), .. labels];

    public static byte[] Gzip(byte[] content, CompressionLevel level = CompressionLevel.Optimal)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, level)) gzip.Write(content);
        return output.ToArray();
    }
}
