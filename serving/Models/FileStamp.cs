namespace ModelGen.Serving;

/// <summary>A file's length and last write time: a change of either means a new file to load.</summary>
internal readonly record struct FileStamp(long Length, DateTime LastWriteUtc)
{
    /// <summary>The file's stamp, or null if there is no file at <paramref name="path"/>.</summary>
    public static FileStamp? Read(string path)
    {
        var info = new FileInfo(path);
        return info.Exists ? new FileStamp(info.Length, info.LastWriteTimeUtc) : null;
    }
}
