namespace ModelGen.Samples.Mnist;

/// <summary>
/// A problem the user can fix (missing data, a failed download, an unreadable image, a bad option
/// value), thrown by the MNIST data library and by the sample. The sample's command line prints its
/// one-line message and exits non-zero, without a stack trace.
/// </summary>
public sealed class SampleException : Exception
{
    /// <summary>Creates the exception with a one-line message.</summary>
    public SampleException(string message) : base(message) { }

    /// <summary>Creates the exception with a one-line message and the exception that caused it.</summary>
    public SampleException(string message, Exception innerException) : base(message, innerException) { }
}
