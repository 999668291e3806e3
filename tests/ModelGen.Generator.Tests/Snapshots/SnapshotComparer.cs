namespace ModelGen.Generator.Tests.Snapshots;

/// <summary>Compares a received text with its verified file and acts on the result.</summary>
public static class SnapshotComparer
{
    /// <summary>
    /// Passes when <paramref name="received"/> equals the verified file (line endings aside) and
    /// removes a stale received file. Otherwise, in accept mode, overwrites the verified file; in
    /// compare mode, writes the received file and throws <see cref="SnapshotMismatchException"/>.
    /// </summary>
    public static void Check(SnapshotFile file, string received, SnapshotMode mode)
    {
        received = Normalize(received);
        string? verified = File.Exists(file.VerifiedPath) ? Normalize(File.ReadAllText(file.VerifiedPath)) : null;

        if (verified == received)
        {
            DeleteReceived(file);
            return;
        }
        if (mode.Accept)
        {
            AtomicFile.WriteAllText(file.VerifiedPath, received);
            DeleteReceived(file);
            return;
        }

        AtomicFile.WriteAllText(file.ReceivedPath, received);
        string accept = $"rerun with {SnapshotMode.AcceptVariable}=1 or move the received file over the verified one"
            + (mode.IgnoredAccept is null ? "" : $" ({mode.IgnoredAccept} here)");
        string message = verified is null
            ? $"""
               Snapshot {file.Name} has no verified file yet.
               Received: {file.ReceivedPath}
               Review it, then accept it: {accept}.
               """
            : $"""
               Snapshot {file.Name} does not match its verified file.
               Verified: {file.VerifiedPath}
               Received: {file.ReceivedPath}
               If the change is intended, accept it: {accept}.
               {SnapshotDiff.Render(verified, received)}
               """;
        throw new SnapshotMismatchException(message);
    }

    /// <summary>Snapshots compare with \n line endings, whatever git or the OS did to the file.</summary>
    public static string Normalize(string text) => text.Replace("\r\n", "\n").Replace('\r', '\n');

    private static void DeleteReceived(SnapshotFile file)
    {
        if (File.Exists(file.ReceivedPath)) File.Delete(file.ReceivedPath);
    }
}
