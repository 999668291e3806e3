using ModelGen.Data;

namespace ModelGen.Data.Tests;

public sealed class IdxReaderTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void Reads_a_raw_image_file()
    {
        string path = _folder.Write("images", IdxFiles.Images(3, 5, 4));
        IdxImages images = IdxReader.ReadImages(path);
        Assert.Equal((3, 5, 4), (images.Count, images.Rows, images.Columns));
        Assert.Equal(IdxFiles.Pixels(60), images.Pixels);
    }

    [Fact]
    public void Reads_a_gzip_image_file_whatever_its_name()
    {
        // No ".gz" in the name: gzip is recognised by its magic bytes.
        string path = _folder.Write("images-idx3-ubyte", IdxFiles.Gzip(IdxFiles.Images(2, 28, 28)));
        IdxImages images = IdxReader.ReadImages(path);
        Assert.Equal((2, 28, 28), (images.Count, images.Rows, images.Columns));
        Assert.Equal(IdxFiles.Pixels(2 * 784), images.Pixels);
    }

    [Fact]
    public void Reads_raw_and_gzip_label_files()
    {
        byte[] labels = [5, 0, 4, 1, 9, 2, 1, 3, 1, 4];
        Assert.Equal(labels, IdxReader.ReadLabels(_folder.Write("labels", IdxFiles.Labels(labels))).Labels);
        Assert.Equal(labels, IdxReader.ReadLabels(_folder.Write("labels.gz", IdxFiles.Gzip(IdxFiles.Labels(labels)))).Labels);
    }

    [Fact]
    public void Reads_a_file_of_the_exact_bytes_of_the_format()
    {
        // Two 1x2 images, written out byte by byte.
        byte[] file = [0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 1, 0, 0, 0, 2, 10, 20, 30, 40];
        IdxImages images = IdxReader.ReadImages(_folder.Write("tiny", file));
        Assert.Equal((2, 1, 2), (images.Count, images.Rows, images.Columns));
        Assert.Equal([10, 20, 30, 40], images.Pixels);
    }

    [Fact]
    public void Reads_a_gzip_file_of_several_members()
    {
        // "cat a.gz b.gz" is a valid gzip file whose content is a then b.
        byte[] whole = IdxFiles.Labels(1, 2, 3, 4, 5, 6);
        byte[] file = [.. IdxFiles.Gzip(whole[..9]), .. IdxFiles.Gzip(whole[9..])];
        Assert.Equal([1, 2, 3, 4, 5, 6], IdxReader.ReadLabels(_folder.Write("labels.gz", file)).Labels);
    }

    [Fact]
    public void A_raw_file_named_gz_is_read_as_raw()
    {
        Assert.Equal([3, 1, 4], IdxReader.ReadLabels(_folder.Write("labels.gz", IdxFiles.Labels(3, 1, 4))).Labels);
    }
}
