using System.Runtime.InteropServices;

namespace ModelGen.Samples.Mnist.Output;

/// <summary>
/// The folder <c>train</c> writes its output set into, replaced all or nothing.
/// <para>
/// Opening it takes a lock, <c>.NAME.lock</c> beside the folder: an OS file lock held by the open file, so
/// a second run into the same folder is refused while the first lives, and the lock goes with the process
/// when it ends in any way (a crash or a kill leaves nothing stuck). The file itself stays, empty.
/// </para>
/// <para>
/// The new set is written into a staging folder beside the output folder (<c>.NAME.staging-ID</c>, so on the
/// same file system), and <see cref="Commit"/> swaps it in: on Linux with one atomic rename that exchanges the
/// two folders (renameat2 RENAME_EXCHANGE), elsewhere by renaming the old folder aside (<c>.NAME.old-ID</c>)
/// and the new one in. At every instant the folder holds the complete old set or the complete new one; if a
/// run dies between the two renames of the fallback, the next run puts the old set back. Staging and old
/// folders that a dead run left are deleted by the next run, under the lock.
/// </para>
/// </summary>
public sealed partial class OutputFolder : IDisposable
{
    /// <summary>The files train may leave in the folder; anything else there is the user's, and is not replaced.</summary>
    private static readonly HashSet<string> s_ownFiles = new([.. TrainingOutputs.All, Training.RunCheckpoints.FileName], StringComparer.Ordinal);

    private readonly FileStream _lock;
    private bool _committed;

    private OutputFolder(string path, string option, FileStream lockFile, string staging)
    {
        Path = path;
        Option = option;
        _lock = lockFile;
        Staging = staging;
    }

    /// <summary>The output folder's full path.</summary>
    public string Path { get; }

    /// <summary>The option that named it, for messages.</summary>
    public string Option { get; }

    /// <summary>Where the new set is written until <see cref="Commit"/>.</summary>
    public string Staging { get; }

    /// <summary>
    /// Checks that <paramref name="path"/> can take a new output set, locks it, cleans up after dead runs and
    /// creates the staging folder, having written a file there (and in the output folder, if it exists) to
    /// prove that it can. Every problem is a <see cref="SampleException"/> naming <paramref name="option"/>.
    /// </summary>
    public static OutputFolder Open(string path, string option)
    {
        string full = System.IO.Path.TrimEndingDirectorySeparator(System.IO.Path.GetFullPath(path));
        if (File.Exists(full))
            throw new SampleException($"{option}: '{full}' is a file; name a folder for the outputs (it is created if missing).");
        // A link to a folder: the outputs go where it points, and the link stays.
        if (Directory.Exists(full) && new DirectoryInfo(full).LinkTarget is not null)
            full = System.IO.Path.TrimEndingDirectorySeparator(new DirectoryInfo(full).ResolveLinkTarget(returnFinalTarget: true)!.FullName);
        string? parent = System.IO.Path.GetDirectoryName(full);
        string name = System.IO.Path.GetFileName(full);
        if (parent is null || name.Length == 0)
            throw new SampleException($"{option}: '{full}' is the root of a file system; name a folder for the outputs inside it.");
        string current = System.IO.Path.TrimEndingDirectorySeparator(Environment.CurrentDirectory);
        if (IsSameOrInside(current, full))
            throw new SampleException($"{option}: '{full}' is (or holds) the current folder; name a folder of its own for the outputs, such as {System.IO.Path.Combine(full, "mnist-output")}.");

        for (string? above = parent; above is not null; above = System.IO.Path.GetDirectoryName(above))
        {
            if (Directory.Exists(above)) break;
            if (File.Exists(above))
                throw new SampleException($"{option}: '{above}' is a file, so '{full}' cannot be a folder inside it; name another folder.");
        }
        try
        {
            Directory.CreateDirectory(parent);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new SampleException($"{option}: cannot create the folder '{parent}' ({Reason(e)}); name a folder you can write to.", e);
        }

        FileStream lockFile = Lock(full, parent, name, option);
        try
        {
            CleanUpAfterDeadRuns(full, parent, name);
            CheckOwnFilesOnly(full, option);
            string staging = System.IO.Path.Combine(parent, $".{name}.staging-{Guid.NewGuid():N}");
            try
            {
                Directory.CreateDirectory(staging);
                Probe(staging);
                // The swap renames the folder itself, which needs it to be writable too.
                if (Directory.Exists(full)) Probe(full);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                TryDelete(staging);
                throw new SampleException($"{option}: cannot write in '{(Directory.Exists(staging) || !Directory.Exists(full) ? parent : full)}' ({Reason(e)}); name a folder you can write to.", e);
            }
            return new OutputFolder(full, option, lockFile, staging);
        }
        catch
        {
            lockFile.Dispose();
            throw;
        }
    }

    /// <summary>Puts the staging folder in place of the output folder, at once; the old set is deleted.</summary>
    public void Commit()
    {
        ObjectDisposedException.ThrowIf(_committed, this);
        if (!Directory.Exists(Path))
        {
            Directory.Move(Staging, Path);
        }
        else if (OperatingSystem.IsLinux() && Exchange(Staging, Path))
        {
            // The staging path now holds the old set.
            TryDelete(Staging);
        }
        else
        {
            string old = System.IO.Path.Combine(System.IO.Path.GetDirectoryName(Path)!, $".{System.IO.Path.GetFileName(Path)}.old-{Guid.NewGuid():N}");
            Directory.Move(Path, old);
            Directory.Move(Staging, Path);
            TryDelete(old);
        }
        _committed = true;
    }

    /// <summary>Deletes the staging folder unless committed, and releases the lock.</summary>
    public void Dispose()
    {
        if (!_committed)
        {
            _committed = true;
            TryDelete(Staging);
        }
        _lock.Dispose();
    }

    private static FileStream Lock(string full, string parent, string name, string option)
    {
        string lockPath = System.IO.Path.Combine(parent, $".{name}.lock");
        try
        {
            // FileShare.None is an exclusive OS lock (flock on Unix), released when the process ends.
            return new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (UnauthorizedAccessException e)
        {
            throw new SampleException($"{option}: cannot write in '{parent}' ({Reason(e)}); name a folder you can write to.", e);
        }
        catch (IOException e) when (File.Exists(lockPath))
        {
            throw new SampleException($"{option}: '{full}' is in use by another train run (it holds {lockPath}); wait for that run to end, or name another folder.", e);
        }
        catch (IOException e)
        {
            throw new SampleException($"{option}: cannot write in '{parent}' ({Reason(e)}); name a folder you can write to.", e);
        }
    }

    // Under the lock, no live run owns these: they were left by a run that was killed or crashed.
    private static void CleanUpAfterDeadRuns(string full, string parent, string name)
    {
        string[] old = Directory.GetDirectories(parent, $".{name}.old-*");
        // Killed between the fallback's two renames: the old set goes back in place.
        if (!Directory.Exists(full) && old.Length > 0)
        {
            string newest = old.OrderByDescending(Directory.GetLastWriteTimeUtc).First();
            Directory.Move(newest, full);
        }
        foreach (string folder in Directory.GetDirectories(parent, $".{name}.old-*").Concat(Directory.GetDirectories(parent, $".{name}.staging-*")))
            TryDelete(folder);
        // A checkpoint whose write was cut short (the complete one before it is still in place).
        if (Directory.Exists(full))
            foreach (string partial in Directory.GetFiles(full, $".{Training.RunCheckpoints.FileName}.*.tmp"))
                File.Delete(partial);
    }

    private static void CheckOwnFilesOnly(string full, string option)
    {
        if (!Directory.Exists(full)) return;
        string? foreign = Directory.EnumerateFileSystemEntries(full)
            .Select(System.IO.Path.GetFileName)
            .Where(n => n is not null && !s_ownFiles.Contains(n))
            .Order(StringComparer.Ordinal)
            .FirstOrDefault();
        if (foreign is not null)
        {
            throw new SampleException($"{option}: '{full}' holds '{foreign}', which train did not write; the folder is replaced as a whole, " +
                "so name a new or empty folder, or one that holds only a previous run's outputs.");
        }
    }

    private static void Probe(string folder)
    {
        string probe = System.IO.Path.Combine(folder, $".write-test-{Guid.NewGuid():N}");
        using (var stream = new FileStream(probe, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.DeleteOnClose))
        {
            stream.WriteByte(0);
            stream.Flush(flushToDisk: true);
        }
        File.Delete(probe);
    }

    private static bool IsSameOrInside(string path, string folder) =>
        string.Equals(path, folder, StringComparison.Ordinal)
        || path.StartsWith(folder + System.IO.Path.DirectorySeparatorChar, StringComparison.Ordinal);

    private static void TryDelete(string folder)
    {
        try
        {
            if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Left for the next run to clean up; the outputs themselves are complete.
        }
    }

    /// <summary>What went wrong, in a few words, without .NET's wording where it names the path again.</summary>
    internal static string Reason(Exception e) => e switch
    {
        UnauthorizedAccessException => "permission denied",
        DirectoryNotFoundException => "a folder on the way does not exist",
        FileNotFoundException => "files cannot be created there",
        PathTooLongException => "the path is too long",
        _ when e.HResult == 30 || e.Message.Contains("read-only", StringComparison.OrdinalIgnoreCase) => "the file system is read-only",
        _ when e.HResult == 28 || e.Message.Contains("space", StringComparison.OrdinalIgnoreCase) => "the disk is full",
        _ when e.HResult == 20 || e.Message.Contains("Not a directory", StringComparison.OrdinalIgnoreCase) => "a part of the path is a file, not a folder",
        _ => e.Message.TrimEnd('.'),
    };

    // renameat2(..., RENAME_EXCHANGE): swaps two paths in one step. False where the kernel or file system lacks it.
    private static bool Exchange(string a, string b)
    {
        try
        {
            return RenameAt2(AtFdCwd, a, AtFdCwd, b, RenameExchange) == 0;
        }
        catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException)
        {
            return false;
        }
    }

    private const int AtFdCwd = -100;
    private const uint RenameExchange = 2;

    [LibraryImport("libc", EntryPoint = "renameat2", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int RenameAt2(int oldDirectory, string oldPath, int newDirectory, string newPath, uint flags);
}
