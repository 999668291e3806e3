namespace ModelGen.Generator.Tests.Snapshots;

/// <summary>The verified and received paths of one snapshot.</summary>
public sealed record SnapshotFile(string Directory, string Name, string Extension)
{
    public string VerifiedPath => Path.Combine(Directory, Name + ".verified." + Extension);

    public string ReceivedPath => Path.Combine(Directory, Name + ".received." + Extension);

    /// <summary>
    /// The snapshot of <paramref name="testMethod"/> in the test class declared in <paramref name="sourceFile"/>
    /// (Verify names it after the class; here the class is assumed to be named like its file).
    /// </summary>
    public static SnapshotFile For(string sourceFile, string testMethod, string? parameter, string extension)
    {
        if (!Path.IsPathRooted(sourceFile))
            throw new ArgumentException($"The test's source path '{sourceFile}' is not absolute; call Snapshot.Verify directly from the test method.", nameof(sourceFile));
        CheckNamePart(testMethod, nameof(testMethod));
        CheckNamePart(extension, nameof(extension));
        string name = Path.GetFileNameWithoutExtension(sourceFile) + "." + testMethod;
        if (parameter is not null)
        {
            CheckNamePart(parameter, nameof(parameter));
            name += "." + parameter;
        }
        return new SnapshotFile(Path.GetDirectoryName(sourceFile)!, name, extension);
    }

    // File names must be the same on every OS and never collide by escaping, so only plain
    // characters are allowed rather than silently rewritten.
    private static void CheckNamePart(string part, string what)
    {
        if (part.Length == 0 || !part.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-'))
            throw new ArgumentException($"The snapshot {what} '{part}' must be non-empty ASCII letters, digits, '_' or '-'.", what);
    }
}
