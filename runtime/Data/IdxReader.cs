using System.Buffers.Binary;
using System.IO.Compression;

namespace ModelGen.Data;

/// <summary>
/// Reads IDX files (the format of MNIST and its relatives), raw or gzip-compressed; gzip is recognised
/// by its magic bytes 1F 8B, not by the file name. An IDX file is a 4-byte magic number (0, 0, element
/// type, dimension count), each dimension as a big-endian 32-bit integer, then the elements row-major.
/// Nothing in a header is trusted: sizes are checked against the file's length (raw) or a fixed cap
/// (gzip) before any buffer is allocated, and the data must end exactly where the header says.
/// </summary>
public static class IdxReader
{
    /// <summary>The most data bytes a file may announce (1 GiB); the MNIST training images are 47 MB.</summary>
    public const long MaxDataBytes = 1L << 30;

    private const byte UnsignedByte = 0x08;

    private static readonly IdxKind s_images = new("an image file", ["image count", "row count", "column count"],
        d => $"{d[0]} images of {d[1]}x{d[2]} pixels");

    private static readonly IdxKind s_labels = new("a label file", ["label count"], d => $"{d[0]} labels");

    /// <summary>Reads an image file: unsigned bytes, 3 dimensions (count, rows, columns).</summary>
    /// <exception cref="IdxFormatException">The file is not such a file, or is corrupt or truncated.</exception>
    public static IdxImages ReadImages(string path)
    {
        (uint[] dimensions, byte[] data) = Read(path, s_images);
        // Every dimension is at least 1 and their product is at most MaxDataBytes, so each fits an int.
        return new IdxImages((int)dimensions[0], (int)dimensions[1], (int)dimensions[2], data);
    }

    /// <summary>Reads a label file: unsigned bytes, 1 dimension (count).</summary>
    /// <exception cref="IdxFormatException">The file is not such a file, or is corrupt or truncated.</exception>
    public static IdxLabels ReadLabels(string path) => new(Read(path, s_labels).Data);

    private static (uint[] Dimensions, byte[] Data) Read(string path, IdxKind kind)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        long fileLength = file.Length;
        if (fileLength == 0) throw new IdxFormatException(path, "the file is empty");

        Span<byte> signature = stackalloc byte[2];
        bool gzip = file.ReadAtLeast(signature, 2, throwOnEndOfStream: false) == 2 && signature[0] == 0x1F && signature[1] == 0x8B;
        file.Position = 0;
        if (!gzip) return ReadContent(file, fileLength, path, kind);

        using var decompressed = new GZipStream(file, CompressionMode.Decompress);
        try
        {
            return ReadContent(decompressed, null, path, kind);
        }
        catch (InvalidDataException e)
        {
            throw new IdxFormatException(path, "the gzip data is corrupt", e);
        }
    }

    // Reads the IDX content from `stream`; `length` is the file's length for a raw file, null for gzip.
    private static (uint[] Dimensions, byte[] Data) ReadContent(Stream stream, long? length, string path, IdxKind kind)
    {
        string source = length is null ? "the decompressed data" : "the file";

        Span<byte> magic = stackalloc byte[4];
        int got = stream.ReadAtLeast(magic, 4, throwOnEndOfStream: false);
        if (got == 0) throw new IdxFormatException(path, $"{source} is empty");
        if (got < 4)
            throw new IdxFormatException(path, $"the header is truncated: {source} has only {Bytes(got)}, fewer than the 4-byte magic number");
        if (magic[0] != 0 || magic[1] != 0)
            throw new IdxFormatException(path, $"this is not an IDX file: it starts with 0x{magic[0]:X2} 0x{magic[1]:X2}, not with the IDX magic 0x00 0x00");
        if (magic[2] != UnsignedByte)
            throw new IdxFormatException(path, $"the element type is 0x{magic[2]:X2} ({TypeName(magic[2])}); only unsigned bytes (0x08) are supported");
        int rank = magic[3];
        if (rank != kind.Rank)
            throw new IdxFormatException(path, $"the header declares {rank} {(rank == 1 ? "dimension" : "dimensions")}; {kind.Noun} has {kind.Rank} ({string.Join(", ", kind.DimensionNames)})");

        int headerLength = 4 + 4 * rank;
        Span<byte> sizes = stackalloc byte[4 * rank];
        got = stream.ReadAtLeast(sizes, sizes.Length, throwOnEndOfStream: false);
        if (got < sizes.Length)
            throw new IdxFormatException(path, $"the header is truncated: {source} has only {Bytes(4 + got)}; the header of {kind.Noun} has {headerLength}");

        var dimensions = new uint[rank];
        UInt128 size = 1;
        for (int d = 0; d < rank; d++)
        {
            dimensions[d] = BinaryPrimitives.ReadUInt32BigEndian(sizes[(4 * d)..]);
            if (dimensions[d] == 0)
                throw new IdxFormatException(path, $"the header gives the {kind.DimensionNames[d]} as 0");
            size *= dimensions[d]; // at most 3 factors below 2^32: no overflow in 128 bits
        }
        string content = kind.Describe(dimensions);

        if (length is long fileLength)
        {
            long available = fileLength - headerLength;
            if (size > (ulong)available)
                throw new IdxFormatException(path, $"the file is truncated: the header announces {content} ({size} bytes) but only {Bytes(available)} follow the header");
            if (size < (ulong)available)
                throw new IdxFormatException(path, $"the file has {Bytes(available - (long)size)} of trailing data after the {content} ({size} bytes) the header announces");
        }
        if (size > MaxDataBytes)
            throw new IdxFormatException(path, $"the header announces {content} ({size} bytes), more than the limit of {MaxDataBytes} bytes");

        var data = new byte[(int)size];
        got = stream.ReadAtLeast(data, data.Length, throwOnEndOfStream: false);
        if (got < data.Length)
            throw new IdxFormatException(path, $"{source} is truncated: the header announces {content} ({size} bytes) but only {Bytes(got)} follow the header");
        if (length is null && stream.ReadByte() >= 0)
            throw new IdxFormatException(path, $"the decompressed data has trailing data after the {content} ({size} bytes) the header announces");
        return (dimensions, data);
    }

    private static string Bytes(long count) => count == 1 ? "1 byte" : count + " bytes";

    private static string TypeName(byte type) => type switch
    {
        0x09 => "signed bytes",
        0x0B => "16-bit integers",
        0x0C => "32-bit integers",
        0x0D => "32-bit floats",
        0x0E => "64-bit floats",
        _ => "not an IDX type",
    };

    // What one kind of file holds: its dimensions' names and how to describe its announced content.
    private sealed record IdxKind(string Noun, string[] DimensionNames, Func<uint[], string> Describe)
    {
        public int Rank => DimensionNames.Length;
    }
}
