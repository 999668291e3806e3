using Microsoft.ML.OnnxRuntime;

namespace ModelGen.Onnx.Tests.Harness;

/// <summary>Runs an exported ONNX file in ONNX Runtime, on the CPU.</summary>
public sealed class OrtRunner : IDisposable
{
    private readonly SessionOptions _options;

    /// <summary>Loads <paramref name="path"/>; ONNX Runtime validates the graph (shapes, types, operators) here.</summary>
    public OrtRunner(string path)
    {
        // Two intra-op threads at most: the machine's cores are shared with other work.
        _options = new SessionOptions { IntraOpNumThreads = 2, InterOpNumThreads = 1 };
        Session = new InferenceSession(path, _options);
    }

    /// <summary>The loaded session, for its metadata.</summary>
    public InferenceSession Session { get; }

    /// <summary>Runs "input" = <paramref name="inputs"/> [rows, inputSize] and returns "output" flattened.</summary>
    public float[] Run(float[] inputs, int rows, int inputSize) => Run(inputs, [rows, inputSize]);

    /// <summary>Runs "input" = <paramref name="inputs"/> of shape <paramref name="shape"/> (e.g. [rows, H, W, C]) and returns "output" flattened.</summary>
    public float[] Run(float[] inputs, long[] shape)
    {
        using OrtValue input = OrtValue.CreateTensorValueFromMemory(inputs, shape);
        using var runOptions = new RunOptions();
        using IDisposableReadOnlyCollection<OrtValue> results = Session.Run(runOptions, ["input"], [input], ["output"]);
        return results[0].GetTensorDataAsSpan<float>().ToArray();
    }

    public void Dispose()
    {
        Session.Dispose();
        _options.Dispose();
    }
}
