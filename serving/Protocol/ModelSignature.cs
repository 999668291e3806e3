using System.Text;

namespace ModelGen.Serving.Protocol;

/// <summary>What a request must match to run on a model version: names, shapes, batch limit, UINT8 values.</summary>
internal sealed class ModelSignature
{
    public ModelSignature(string modelName, ServedModelOptions options, IInferenceBackend backend)
    {
        ModelName = modelName;
        InputName = options.InputName;
        OutputName = options.OutputName ?? (backend.IsClassifier ? "probabilities" : "output");
        ClassOutputName = options.ClassOutputName;
        InputNameUtf8 = Encoding.UTF8.GetBytes(InputName);
        OutputNameUtf8 = Encoding.UTF8.GetBytes(OutputName);
        ClassOutputNameUtf8 = Encoding.UTF8.GetBytes(ClassOutputName);
        SampleShape = backend.InputShape;
        OutputSize = backend.OutputSize;
        IsClassifier = backend.IsClassifier;
        MaxBatchSize = options.MaxBatchSize;
        Uint8Values = [.. Enumerable.Range(0, 256).Select(b => b / options.Uint8Divisor)];
        SampleDims = SampleShape.IsImage ? [SampleShape.Height, SampleShape.Width, SampleShape.Channels] : [SampleShape.Size];
    }

    public string ModelName { get; }
    public string InputName { get; }
    public string OutputName { get; }
    public string ClassOutputName { get; }
    public byte[] InputNameUtf8 { get; }
    public byte[] OutputNameUtf8 { get; }
    public byte[] ClassOutputNameUtf8 { get; }

    /// <summary>One sample's input.</summary>
    public TensorShape SampleShape { get; }

    /// <summary>One sample's dimensions as the protocol lists them: [height, width, channels] or [size].</summary>
    public long[] SampleDims { get; }

    public int InputSize => SampleShape.Size;
    public int OutputSize { get; }
    public bool IsClassifier { get; }
    public int MaxBatchSize { get; }
    /// <summary>The float each UINT8 value 0..255 stands for.</summary>
    public float[] Uint8Values { get; }

    /// <summary>"[28, 28, 1]", the sample shape as errors quote it.</summary>
    public string SampleText => "[" + string.Join(", ", SampleDims) + "]";
}
