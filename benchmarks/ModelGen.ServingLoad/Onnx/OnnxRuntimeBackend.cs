using Microsoft.ML.OnnxRuntime;
using ModelGen.Serving;

namespace ModelGen.ServingLoad.Onnx;

/// <summary>
/// The baseline backend: ONNX Runtime running an ONNX file behind the same server. One session serves every
/// request (its Run is thread-safe); each call copies the batch into this thread's buffers and wraps them in
/// OrtValues, so ONNX Runtime reads and writes managed memory directly. One intra-op thread per Run: requests,
/// not operators, are spread over the cores, as ModelGen's backend does.
/// </summary>
public sealed class OnnxRuntimeBackend : IInferenceBackend, IDisposable
{
    [ThreadStatic] private static float[]? t_inputs;
    [ThreadStatic] private static float[]? t_outputs;

    private readonly SessionOptions _options;
    private readonly InferenceSession _session;
    private readonly RunOptions _run = new();
    private readonly string[] _inputNames, _outputNames;
    private readonly long[] _sampleDims;

    public OnnxRuntimeBackend(string onnxPath, TensorShape inputShape, int outputSize, string description)
    {
        _options = new SessionOptions
        {
            IntraOpNumThreads = 1,
            InterOpNumThreads = 1,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
        };
        _session = new InferenceSession(onnxPath, _options);
        _inputNames = [_session.InputMetadata.Keys.Single()];
        _outputNames = [_session.OutputMetadata.Keys.Single()];
        InputShape = inputShape;
        OutputSize = outputSize;
        Description = description;
        _sampleDims = inputShape.IsImage ? [inputShape.Height, inputShape.Width, inputShape.Channels] : [inputShape.Size];
    }

    public TensorShape InputShape { get; }
    public int OutputSize { get; }
    public bool IsClassifier => true;
    public string Platform => "onnxruntime";
    public string Description { get; }

    public void Run(ReadOnlySpan<float> inputs, Span<float> outputs)
    {
        int count = inputs.Length / InputShape.Size;
        float[] input = Buffer(ref t_inputs, inputs.Length);
        float[] output = Buffer(ref t_outputs, outputs.Length);
        inputs.CopyTo(input);
        long[] shape = [count, .. _sampleDims];
        using OrtValue inputValue = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, input.AsMemory(0, inputs.Length), shape);
        using OrtValue outputValue = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, output.AsMemory(0, outputs.Length), [count, OutputSize]);
        _session.Run(_run, _inputNames, [inputValue], _outputNames, [outputValue]);
        output.AsSpan(0, outputs.Length).CopyTo(outputs);
    }

    private static float[] Buffer(ref float[]? buffer, int length)
    {
        if (buffer is null || buffer.Length < length) buffer = new float[length];
        return buffer;
    }

    public void Dispose()
    {
        _run.Dispose();
        _session.Dispose();
        _options.Dispose();
    }
}
