namespace ModelGen.Samples.Serve.Hosting;

/// <summary>A mistake on the command line the user can fix: its message is the one line printed.</summary>
public sealed class ServeException : Exception
{
    public ServeException() { }

    public ServeException(string message) : base(message) { }

    public ServeException(string message, Exception innerException) : base(message, innerException) { }
}
