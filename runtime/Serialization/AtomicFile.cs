namespace ModelGen.Serialization;

/// <summary>
/// Writes a file so that readers see either the old content or the complete new content, never a
/// half-written file: the content goes to a temporary file in the same folder (so the final rename stays
/// on one file system), is flushed to disk, and then replaces the target with one rename.
/// </summary>
/// <example>
/// <code>
/// using (var file = AtomicFile.Create(path))
/// {
///     file.Stream.Write(bytes);
///     file.Commit();
/// }   // without Commit (e.g. after an exception), the temporary file is deleted and the old file stays
/// </code>
/// </example>
public sealed class AtomicFile : IDisposable
{
    private readonly string _target;
    private readonly string _temporary;
    private readonly FileStream _stream;
    private bool _committed;

    private AtomicFile(string target, string temporary, FileStream stream)
    {
        _target = target;
        _temporary = temporary;
        _stream = stream;
    }

    /// <summary>Where the content goes until <see cref="Commit"/>.</summary>
    public Stream Stream => _stream;

    /// <summary>Starts writing <paramref name="path"/>, creating its folder if it is missing.</summary>
    public static AtomicFile Create(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string target = Path.GetFullPath(path);
        string folder = Path.GetDirectoryName(target) ?? throw new ArgumentException($"'{path}' is not a file path.", nameof(path));
        Directory.CreateDirectory(folder);
        // A hidden, unique name next to the target, so two writers never share a temporary file.
        string temporary = Path.Combine(folder, "." + Path.GetFileName(target) + "." + Guid.NewGuid().ToString("N") + ".tmp");
        var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16);
        return new AtomicFile(target, temporary, stream);
    }

    /// <summary>Creates or replaces <paramref name="path"/> with what <paramref name="write"/> writes; if it throws, nothing changes.</summary>
    public static void Write(string path, Action<Stream> write)
    {
        ArgumentNullException.ThrowIfNull(write);
        using AtomicFile file = Create(path);
        write(file.Stream);
        file.Commit();
    }

    /// <summary>Flushes the content to disk and puts it in place of the target file.</summary>
    public void Commit()
    {
        ObjectDisposedException.ThrowIf(_committed, this);
        _stream.Flush(flushToDisk: true);
        _stream.Dispose();
        File.Move(_temporary, _target, overwrite: true);
        _committed = true;
    }

    /// <summary>Deletes the temporary file unless <see cref="Commit"/> succeeded.</summary>
    public void Dispose()
    {
        _stream.Dispose();
        if (_committed) return;
        _committed = true;
        // Cleanup after a failure must not replace the exception that caused it.
        try { File.Delete(_temporary); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }
}
