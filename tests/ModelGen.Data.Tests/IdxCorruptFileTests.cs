using ModelGen.Data;

namespace ModelGen.Data.Tests;

/// <summary>
/// A corpus of malformed IDX files, each refused with its exact one-line error naming the file.
/// </summary>
public sealed class IdxCorruptFileTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private void AssertImagesRefused(byte[] file, string problem, string name = "images") =>
        AssertRefused(_folder.Write(name, file), problem, IdxReader.ReadImages);

    private void AssertLabelsRefused(byte[] file, string problem, string name = "labels") =>
        AssertRefused(_folder.Write(name, file), problem, IdxReader.ReadLabels);

    private static void AssertRefused<T>(string path, string problem, Func<string, T> read)
    {
        var error = Assert.Throws<IdxFormatException>(() => read(path));
        Assert.Equal(path + ": " + problem, error.Message);
        Assert.Equal(path, error.Path);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public void Empty_file() => AssertImagesRefused([], "the file is empty");

    [Fact]
    public void Header_truncated_inside_the_magic_number() =>
        AssertImagesRefused([0, 0, 8], "the header is truncated: the file has only 3 bytes, fewer than the 4-byte magic number");

    [Fact]
    public void One_byte_that_looks_like_the_start_of_gzip() =>
        AssertImagesRefused([0x1F], "the header is truncated: the file has only 1 byte, fewer than the 4-byte magic number");

    [Fact]
    public void Header_truncated_inside_the_dimensions() =>
        AssertImagesRefused([0, 0, 8, 3, 0, 0, 0, 1, 0, 0], "the header is truncated: the file has only 10 bytes; the header of an image file has 16");

    [Fact]
    public void Wrong_magic() =>
        AssertImagesRefused([0x12, 0x34, 8, 3, .. new byte[20]], "this is not an IDX file: it starts with 0x12 0x34, not with the IDX magic 0x00 0x00");

    [Fact]
    public void A_text_file() =>
        AssertLabelsRefused("<html>not found</html>"u8.ToArray(), "this is not an IDX file: it starts with 0x3C 0x68, not with the IDX magic 0x00 0x00");

    [Fact]
    public void Wrong_element_type() =>
        AssertImagesRefused([.. IdxFiles.Header(0x0D, 3, 1, 1, 1), 0, 0, 0, 0],
            "the element type is 0x0D (32-bit floats); only unsigned bytes (0x08) are supported");

    [Fact]
    public void Unknown_element_type() =>
        AssertLabelsRefused([.. IdxFiles.Header(0x42, 1, 1), 0], "the element type is 0x42 (not an IDX type); only unsigned bytes (0x08) are supported");

    [Fact]
    public void Image_file_with_one_dimension() =>
        AssertImagesRefused(IdxFiles.Labels(1, 2, 3),
            "the header declares 1 dimension; an image file has 3 (image count, row count, column count)");

    [Fact]
    public void Label_file_with_three_dimensions() =>
        AssertLabelsRefused(IdxFiles.Images(1, 2, 2), "the header declares 3 dimensions; a label file has 1 (label count)");

    [Fact]
    public void Zero_rows() =>
        AssertImagesRefused(IdxFiles.Header(0x08, 3, 5, 0, 28), "the header gives the row count as 0");

    [Fact]
    public void Zero_columns() =>
        AssertImagesRefused(IdxFiles.Header(0x08, 3, 5, 28, 0), "the header gives the column count as 0");

    [Fact]
    public void Zero_labels() =>
        AssertLabelsRefused(IdxFiles.Header(0x08, 1, 0), "the header gives the label count as 0");

    [Fact]
    public void Body_truncated() =>
        AssertImagesRefused(IdxFiles.Images(3, 2, 2)[..^1],
            "the file is truncated: the header announces 3 images of 2x2 pixels (12 bytes) but only 11 bytes follow the header");

    [Fact]
    public void Trailing_bytes() =>
        AssertLabelsRefused([.. IdxFiles.Labels(1, 2, 3), 7, 7], "the file has 2 bytes of trailing data after the 3 labels (3 bytes) the header announces");

    [Fact]
    public void Absurd_count_in_a_tiny_raw_file_allocates_nothing_big()
    {
        string path = _folder.Write("images", [.. IdxFiles.Header(0x08, 3, 1u << 31, 28, 28), 1, 2, 3]);
        (long bytes, Exception? error) = Allocations.Measure(() => IdxReader.ReadImages(path));
        // 2^31 × 784 = 1 683 627 180 032
        Assert.Equal($"{path}: the file is truncated: the header announces 2147483648 images of 28x28 pixels (1683627180032 bytes) but only 3 bytes follow the header",
            Assert.IsType<IdxFormatException>(error).Message);
        Assert.True(bytes < 1_000_000, $"allocated {bytes} bytes");
    }

    [Fact]
    public void Largest_possible_counts_do_not_overflow() =>
        AssertImagesRefused(IdxFiles.Header(0x08, 3, uint.MaxValue, uint.MaxValue, uint.MaxValue),
            "the file is truncated: the header announces 4294967295 images of 4294967295x4294967295 pixels (79228162458924105385300197375 bytes) but only 0 bytes follow the header");

    [Fact]
    public void Absurd_count_in_a_tiny_gzip_file_allocates_nothing_big()
    {
        string path = _folder.Write("images.gz", IdxFiles.Gzip([.. IdxFiles.Header(0x08, 3, 1u << 31, 28, 28), 1, 2, 3]));
        (long bytes, Exception? error) = Allocations.Measure(() => IdxReader.ReadImages(path));
        Assert.Equal($"{path}: the header announces 2147483648 images of 28x28 pixels (1683627180032 bytes), more than the limit of 1073741824 bytes",
            Assert.IsType<IdxFormatException>(error).Message);
        Assert.True(bytes < 1_000_000, $"allocated {bytes} bytes");
    }

    [Fact]
    public void Gzip_truncated()
    {
        // Stored (uncompressed) deflate blocks make the cut predictable: a 10-byte gzip header, a 5-byte
        // block header, then the content as it is. Cut after the 16-byte IDX header and 100 pixels.
        byte[] gzip = IdxFiles.Gzip(IdxFiles.Images(20, 28, 28), System.IO.Compression.CompressionLevel.NoCompression);
        Assert.Equal([0x1F, 0x8B], gzip[..2]);
        AssertImagesRefused(gzip[..(10 + 5 + 16 + 100)],
            "the decompressed data is truncated: the header announces 20 images of 28x28 pixels (15680 bytes) but only 100 bytes follow the header", "images.gz");
    }

    [Fact]
    public void Gzip_whose_content_is_not_idx() =>
        AssertLabelsRefused(IdxFiles.Gzip("hello, world"u8.ToArray()),
            "this is not an IDX file: it starts with 0x68 0x65, not with the IDX magic 0x00 0x00", "labels.gz");

    [Fact]
    public void Gzip_magic_followed_by_garbage() =>
        AssertLabelsRefused([0x1F, 0x8B, 8, 0, 0, 0, 0, 0, 0, 3, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF], "the gzip data is corrupt", "labels.gz");

    [Fact]
    public void Gzip_of_an_empty_file() =>
        // The whole gzip file for empty content: header, an empty final stored block, CRC 0, size 0.
        AssertLabelsRefused([0x1F, 0x8B, 8, 0, 0, 0, 0, 0, 0, 3, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0], "the decompressed data is empty", "labels.gz");

    [Fact]
    public void Gzip_with_a_truncated_header() =>
        AssertLabelsRefused(IdxFiles.Gzip([0, 0, 8, 1, 0, 0]),
            "the header is truncated: the decompressed data has only 6 bytes; the header of a label file has 8", "labels.gz");

    [Fact]
    public void Gzip_with_a_truncated_body() =>
        AssertLabelsRefused(IdxFiles.Gzip(IdxFiles.Labels(1, 2, 3, 4)[..^2]),
            "the decompressed data is truncated: the header announces 4 labels (4 bytes) but only 2 bytes follow the header", "labels.gz");

    [Fact]
    public void Gzip_with_trailing_data() =>
        AssertLabelsRefused(IdxFiles.Gzip([.. IdxFiles.Labels(1, 2, 3), 9]),
            "the decompressed data has trailing data after the 3 labels (3 bytes) the header announces", "labels.gz");

    [Fact]
    public void Gzip_with_a_corrupt_checksum()
    {
        byte[] gzip = IdxFiles.Gzip(IdxFiles.Labels(1, 2, 3));
        gzip[^8] ^= 0xFF; // the CRC-32 of the content, in the gzip trailer
        AssertLabelsRefused(gzip, "the gzip data is corrupt", "labels.gz");
    }
}
