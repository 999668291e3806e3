namespace ModelGen.Serving;

/// <summary>
/// One loaded model: what a request runs on from start to end, even if a newer version is swapped in meanwhile.
/// Versions are numbered from 1 in the order they were loaded, and the protocol's model_version is that number.
/// </summary>
public sealed class ModelVersion
{
    internal ModelVersion(int number, IInferenceBackend backend, FileStamp? stamp, Protocol.ModelSignature signature)
    {
        Signature = signature;
        Number = number;
        Label = number.ToString(System.Globalization.CultureInfo.InvariantCulture);
        Backend = backend;
        Stamp = stamp;
        LoadedAt = DateTimeOffset.UtcNow;
    }

    /// <summary>1 for the model loaded at start-up, then one more per replacement.</summary>
    public int Number { get; }

    /// <summary><see cref="Number"/> as the protocol's version string.</summary>
    public string Label { get; }

    /// <summary>What runs the requests.</summary>
    public IInferenceBackend Backend { get; }

    /// <summary>When it was loaded.</summary>
    public DateTimeOffset LoadedAt { get; }

    /// <summary>What requests to this version must match.</summary>
    internal Protocol.ModelSignature Signature { get; }

    /// <summary>The file's size and time when it was read, to tell a later change from this one.</summary>
    internal FileStamp? Stamp { get; }
}
