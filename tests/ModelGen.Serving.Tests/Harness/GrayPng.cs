using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace ModelGen.Serving.Tests.Harness;

/// <summary>8-bit grayscale PNG files written here (no image library): a digit's strokes, or a blank page.</summary>
public static class GrayPng
{
    /// <summary>A <paramref name="side"/>-pixel square, white, with a "7" drawn in black: a bar and a slanted stroke.</summary>
    public static byte[] Seven(int side = 64) => Encode(side, side, (x, y) =>
    {
        bool bar = y >= side / 8 && y < side / 8 + side / 10 && x >= side / 5 && x < side * 4 / 5;
        double along = (double)(y - side / 8) / (side * 3 / 4); // 0 at the bar, 1 at the foot
        double strokeX = side * 4 / 5 - along * side * 0.45;
        bool slant = along is >= 0 and <= 1 && Math.Abs(x - strokeX) < side / 16.0;
        return bar || slant ? (byte)0 : (byte)255;
    });

    /// <summary>A white page.</summary>
    public static byte[] Blank(int side = 32) => Encode(side, side, (_, _) => 255);

    public static byte[] Encode(int width, int height, Func<int, int, byte> pixel)
    {
        var raw = new byte[height * (width + 1)]; // each row: filter type 0, then its pixels
        for (int y = 0; y < height; y++)
        for (int x = 0; x < width; x++)
            raw[y * (width + 1) + 1 + x] = pixel(x, y);
        using var compressed = new MemoryStream();
        using (var zlib = new ZLibStream(compressed, CompressionLevel.Fastest, leaveOpen: true)) zlib.Write(raw);
        var header = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, width);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), height);
        header[8] = 8; // bit depth; colour type 0 (grey), deflate, no filter method, no interlace
        using var png = new MemoryStream();
        png.Write([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]);
        Chunk(png, "IHDR", header);
        Chunk(png, "IDAT", compressed.ToArray());
        Chunk(png, "IEND", []);
        return png.ToArray();
    }

    private static void Chunk(Stream png, string type, byte[] data)
    {
        var length = new byte[4];
        BinaryPrimitives.WriteInt32BigEndian(length, data.Length);
        png.Write(length);
        byte[] typed = [.. Encoding.ASCII.GetBytes(type), .. data];
        png.Write(typed);
        var crc = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(crc, Crc32(typed));
        png.Write(crc);
    }

    private static uint Crc32(ReadOnlySpan<byte> bytes)
    {
        uint crc = 0xFFFFFFFF;
        foreach (byte b in bytes)
        {
            crc ^= b;
            for (int k = 0; k < 8; k++) crc = (crc & 1) != 0 ? 0xEDB88320 ^ (crc >> 1) : crc >> 1;
        }
        return ~crc;
    }
}
