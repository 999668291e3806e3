namespace ModelGen.Package.Tests;

/// <summary>
/// A copy of what packing needs (runtime, generator, the shared build settings, README and LICENSE),
/// without any bin or obj folder: the package is built from the sources the way a release would be,
/// and never writes into the repository's own build output while other test projects use it.
/// </summary>
public static class RepositoryCopy
{
    private static readonly string[] Folders = ["runtime", "generator"];
    private static readonly string[] Files = ["Directory.Build.props", "Directory.Packages.props", "global.json", "README.md", "LICENSE"];

    /// <summary>Copies into <paramref name="target"/> and returns it.</summary>
    public static string Create(string target)
    {
        string root = DotnetCli.RepositoryRoot();
        foreach (string file in Files) File.Copy(Path.Combine(root, file), Path.Combine(Directory.CreateDirectory(target).FullName, file));
        foreach (string folder in Folders) CopyFolder(Path.Combine(root, folder), Path.Combine(target, folder));
        return target;
    }

    private static void CopyFolder(string source, string target)
    {
        Directory.CreateDirectory(target);
        foreach (string file in Directory.GetFiles(source)) File.Copy(file, Path.Combine(target, Path.GetFileName(file)));
        foreach (string folder in Directory.GetDirectories(source))
        {
            string name = Path.GetFileName(folder);
            if (name is "bin" or "obj") continue;
            CopyFolder(folder, Path.Combine(target, name));
        }
    }
}
