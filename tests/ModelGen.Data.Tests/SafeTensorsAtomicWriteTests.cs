using ModelGen.Serialization;

namespace ModelGen.Data.Tests;

/// <summary>A failed save must leave an existing file exactly as it was, and no temporary file behind.</summary>
public sealed class SafeTensorsAtomicWriteTests : IDisposable
{
    private static readonly TensorLayout[] s_layout = [new("a.weight", 0, 2, 2), new("a.bias", 4, 2)];
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private string SaveGoodFile(out byte[] bytes)
    {
        string path = _folder.File("model.safetensors");
        SafeTensors.Save(path, "spec", [1, 2, 3, 4, 5, 6], s_layout);
        bytes = File.ReadAllBytes(path);
        return path;
    }

    [Fact]
    public void Parameters_shorter_than_the_layout_leave_the_old_file_intact()
    {
        string path = SaveGoodFile(out byte[] before);

        var error = Assert.Throws<ArgumentException>(() => SafeTensors.Save(path, "spec", [9, 9, 9, 9, 9], s_layout));
        Assert.Contains("'a.bias'", error.Message);

        Assert.Equal(before, File.ReadAllBytes(path));
        Assert.Equal(["model.safetensors"], _folder.FileNames());
    }

    [Fact]
    public void A_failure_midway_through_writing_leaves_the_old_file_intact_and_no_temporary_file()
    {
        string path = SaveGoodFile(out byte[] before);

        // The first tensor is written to the temporary file before the NaN in the second is found.
        var error = Assert.Throws<ArgumentException>(() => SafeTensors.Save(path, "spec", [9, 9, 9, 9, 9, float.NaN], s_layout));
        Assert.StartsWith($"Cannot save '{path}': tensor 'a.bias' has a NaN at index [1].", error.Message);

        Assert.Equal(before, File.ReadAllBytes(path));
        Assert.Equal(["model.safetensors"], _folder.FileNames());
        var loaded = new float[6];
        SafeTensors.Load(path, "spec", loaded, s_layout);
        Assert.Equal([1f, 2f, 3f, 4f, 5f, 6f], loaded);
    }

    [Fact]
    public void A_failing_writer_leaves_no_file_at_all_when_there_was_none()
    {
        string path = _folder.File("new.bin");
        Assert.Throws<InvalidOperationException>(() => AtomicFile.Write(path, stream =>
        {
            stream.Write(new byte[100_000]);
            throw new InvalidOperationException("stop");
        }));
        Assert.Empty(_folder.FileNames());
    }

    [Fact]
    public void A_committed_write_replaces_the_file()
    {
        string path = _folder.Write("data.bin", [1, 2, 3]);
        AtomicFile.Write(path, stream => stream.Write([4, 5]));
        Assert.Equal([4, 5], File.ReadAllBytes(path));
        Assert.Equal(["data.bin"], _folder.FileNames());
    }
}
