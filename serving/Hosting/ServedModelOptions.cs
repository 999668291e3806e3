namespace ModelGen.Serving;

/// <summary>How one model is served: its file, its batch limit and the names its tensors have in the protocol.</summary>
public sealed class ServedModelOptions
{
    /// <summary>
    /// The safetensors file to load (written by the model's Save, or a PyTorch state_dict of the same network).
    /// Null serves the model as constructed: an [OnnxModel] class with its parameters compiled in, or a test's.
    /// </summary>
    public string? ModelPath { get; set; }

    /// <summary>Whether to load <see cref="ModelPath"/> again when it changes, swapping the new model in without a restart.</summary>
    public bool WatchFile { get; set; } = true;

    /// <summary>The most samples one request may send; a larger batch is answered 400.</summary>
    public int MaxBatchSize { get; set; } = 64;

    /// <summary>The input tensor's name: requests must use it (as Triton requires).</summary>
    public string InputName { get; set; } = "input";

    /// <summary>
    /// The output tensor's name: the model's outputs, FP32 [batch, outputs]. Null (the default) names it
    /// "probabilities" for a classifier and "output" for any other model.
    /// </summary>
    public string? OutputName { get; set; }

    /// <summary>A classifier's second output: each sample's most probable class, INT64 [batch].</summary>
    public string ClassOutputName { get; set; } = "class";

    /// <summary>
    /// What a UINT8 input value is divided by to become the model's float: 255 (the default) for pixels of models
    /// trained on 0..1 images, as the MNIST sample's are (b / 255f, the very float its data library makes); 1 keeps 0..255.
    /// </summary>
    public float Uint8Divisor { get; set; } = 255f;

    /// <summary>Throws an ArgumentException naming the first setting that cannot work.</summary>
    internal void Validate(string modelName)
    {
        if (MaxBatchSize < 1) throw new ArgumentException($"Model '{modelName}': MaxBatchSize must be at least 1, not {MaxBatchSize}.");
        if (string.IsNullOrWhiteSpace(InputName) || (OutputName is not null && string.IsNullOrWhiteSpace(OutputName)) || string.IsNullOrWhiteSpace(ClassOutputName))
            throw new ArgumentException($"Model '{modelName}': InputName, OutputName and ClassOutputName must not be empty.");
        if (OutputName == ClassOutputName)
            throw new ArgumentException($"Model '{modelName}': OutputName and ClassOutputName are both '{OutputName}'.");
        if (!float.IsFinite(Uint8Divisor) || Uint8Divisor == 0) throw new ArgumentException($"Model '{modelName}': Uint8Divisor must be finite and not 0.");
        if (ModelPath is { Length: 0 }) throw new ArgumentException($"Model '{modelName}': ModelPath is empty; leave it null to serve the model as constructed.");
    }
}
