namespace ModelGen.Serialization;

/// <summary>
/// A model file that cannot be used: unreadable, not a safetensors file, corrupt, or saved for a
/// different network. The message is one line that starts with the file's path, so a command-line
/// tool can print it as it is.
/// </summary>
public sealed class ModelFileException : Exception
{
    /// <summary>Creates the error "<paramref name="path"/>: <paramref name="problem"/>".</summary>
    public ModelFileException(string path, string problem, Exception? innerException = null)
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
