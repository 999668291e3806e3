namespace ModelGen.Mnist.Tests;

/// <summary>A fresh temporary folder, deleted with everything in it on dispose.</summary>
public sealed class TestFolder : IDisposable
{
    /// <summary>Creates the folder.</summary>
    public TestFolder() => Path = Directory.CreateTempSubdirectory("modelgen-mnist-tests-").FullName;

    /// <summary>The folder's full path.</summary>
    public string Path { get; }

    /// <summary>The path of <paramref name="name"/> inside the folder.</summary>
    public string File(string name) => System.IO.Path.Combine(Path, name);

    /// <summary>The lock file train keeps beside the folder when it is an --out folder.</summary>
    public string LockFile => System.IO.Path.Combine(System.IO.Path.GetDirectoryName(Path)!, "." + System.IO.Path.GetFileName(Path) + ".lock");

    /// <summary>The names of the files in the folder (hidden ones too), sorted.</summary>
    public string[] FileNames() => Directory.GetFiles(Path).Select(System.IO.Path.GetFileName).Order(StringComparer.Ordinal).ToArray()!;

    /// <inheritdoc />
    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); }
        catch (IOException) { }
        // The lock file train keeps beside an --out folder, when this folder was one.
        try { System.IO.File.Delete(LockFile); }
        catch (IOException) { }
    }
}
