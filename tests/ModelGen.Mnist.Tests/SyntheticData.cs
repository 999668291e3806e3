namespace ModelGen.Mnist.Tests;

/// <summary>A small dataset in MNIST's format (1000 training, 300 test images), written once per test class.</summary>
public sealed class SyntheticData : IDisposable
{
    private readonly TestFolder _folder = new();

    /// <summary>Writes the four IDX files.</summary>
    public SyntheticData() => IdxFiles.Write(_folder.Path, SyntheticDigits.Make(1000, 21), SyntheticDigits.Make(300, 22));

    /// <summary>The folder to pass as --data.</summary>
    public string Path => _folder.Path;

    /// <inheritdoc />
    public void Dispose() => _folder.Dispose();
}

/// <summary>What an --out folder holds, and what lies beside it, for all-or-nothing checks.</summary>
public static class OutputSet
{
    /// <summary>The five files train writes.</summary>
    public static readonly string[] Names = ["confusion_matrix.png", "metrics.json", "model.safetensors", "samples.png", "training_curves.png"];

    /// <summary>Every file in <paramref name="folder"/> (hidden ones too, and in subfolders) with its bytes.</summary>
    public static SortedDictionary<string, byte[]> Read(string folder)
    {
        var files = new SortedDictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (string path in Directory.GetFiles(folder, "*", SearchOption.AllDirectories))
            files[Path.GetRelativePath(folder, path)] = File.ReadAllBytes(path);
        return files;
    }

    /// <summary>Asserts that <paramref name="folder"/> holds exactly <paramref name="expected"/>, byte for byte.</summary>
    public static void AssertSame(SortedDictionary<string, byte[]> expected, string folder)
    {
        SortedDictionary<string, byte[]> actual = Read(folder);
        Assert.Equal(expected.Keys, actual.Keys);
        foreach (string name in expected.Keys) Assert.True(expected[name].AsSpan().SequenceEqual(actual[name]), $"{name} changed");
    }

    /// <summary>Asserts that <paramref name="folder"/> holds the five files and nothing else.</summary>
    public static void AssertComplete(string folder) => Assert.Equal(Names, Read(folder).Keys);

    /// <summary>Asserts that no staging or old folder of <paramref name="outFolder"/> is left beside it.</summary>
    public static void AssertNoLeftovers(string outFolder)
    {
        string parent = Path.GetDirectoryName(outFolder)!, name = Path.GetFileName(outFolder);
        Assert.Empty(Directory.GetFileSystemEntries(parent, $".{name}.staging-*"));
        Assert.Empty(Directory.GetFileSystemEntries(parent, $".{name}.old-*"));
    }
}
