namespace ModelGen.Data;

/// <summary>
/// A data file that is not what it must be: not IDX, corrupt, truncated, or not fit for the model
/// (wrong image size, bad labels). The message is one line that starts with the file's path, so a
/// command-line tool can print it as it is.
/// </summary>
public sealed class IdxFormatException : Exception
{
    /// <summary>Creates the error "<paramref name="path"/>: <paramref name="problem"/>".</summary>
    public IdxFormatException(string path, string problem, Exception? innerException = null)
        : base(path + ": " + problem, innerException)
    {
        Path = path;
        Problem = problem;
    }

    /// <summary>The file, as the caller named it.</summary>
    public string Path { get; }

    /// <summary>What is wrong with it, without the path.</summary>
    public string Problem { get; }
}
