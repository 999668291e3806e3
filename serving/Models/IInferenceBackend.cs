namespace ModelGen.Serving;

/// <summary>
/// What the server runs for one loaded model: samples of <see cref="InputShape"/> in, <see cref="OutputSize"/>
/// floats per sample out. <see cref="GeneratedModelBackend{TWorkspace}"/> runs a generated model; another engine
/// (the benchmarks' ONNX Runtime baseline) implements it to be served by the same endpoints.
/// </summary>
public interface IInferenceBackend
{
    /// <summary>One sample's input: an image [height, width, channels], channels-last, or a flat vector.</summary>
    TensorShape InputShape { get; }

    /// <summary>Floats per sample out.</summary>
    int OutputSize { get; }

    /// <summary>Whether the outputs are class probabilities (then the server also answers each sample's most probable class).</summary>
    bool IsClassifier { get; }

    /// <summary>The engine, as the protocol's model metadata names it ("modelgen", "onnxruntime").</summary>
    string Platform { get; }

    /// <summary>The network in one line (a generated model's spec), for logs.</summary>
    string Description { get; }

    /// <summary>
    /// Runs <c>inputs.Length / InputShape.Size</c> samples, [n, InputSize] row-major, and writes their outputs,
    /// [n, OutputSize]. Called from many request threads at once: it must be thread-safe.
    /// </summary>
    void Run(ReadOnlySpan<float> inputs, Span<float> outputs);
}
