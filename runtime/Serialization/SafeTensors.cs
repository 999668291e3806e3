namespace ModelGen.Serialization;

/// <summary>Reads and writes model parameters in the safetensors format.</summary>
public static class SafeTensors
{
    /// <summary>Writes the tensors of <paramref name="parameters"/> to <paramref name="path"/>, atomically.</summary>
    public static void Save(string path, string spec, ReadOnlySpan<float> parameters, IReadOnlyList<TensorLayout> tensors) =>
        throw new NotSupportedException("Saving is not implemented yet.");

    /// <summary>Reads a file written for the same spec into <paramref name="parameters"/>.</summary>
    public static void Load(string path, string spec, Span<float> parameters, IReadOnlyList<TensorLayout> tensors) =>
        throw new NotSupportedException("Loading is not implemented yet.");
}
