namespace ModelGen.WebDigits.Tests;

/// <summary>Where the repository's files are, found from the test assembly's folder (bin/... under tests/).</summary>
public static class RepositoryPaths
{
    /// <summary>The folder holding ModelGen.sln.</summary>
    public static string Root { get; } = FindRoot();

    /// <summary>samples/WebDigits.</summary>
    public static string WebDigits => Path.Combine(Root, "samples", "WebDigits");

    /// <summary>The page's own static files (before publishing).</summary>
    public static string WebRoot => Path.Combine(WebDigits, "wwwroot");

    /// <summary>Where screenshots and the page's figures go: artifacts/webdigits, or MODELGEN_ARTIFACTS/webdigits.</summary>
    public static string Artifacts
    {
        get
        {
            string folder = Path.Combine(Environment.GetEnvironmentVariable("MODELGEN_ARTIFACTS") is { Length: > 0 } a ? a : Path.Combine(Root, "artifacts"), "webdigits");
            Directory.CreateDirectory(folder);
            return folder;
        }
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "ModelGen.sln"))) return dir.FullName;
        throw new InvalidOperationException($"No ModelGen.sln above {AppContext.BaseDirectory}: the tests must run from the repository's build output.");
    }
}
