using Microsoft.ML.OnnxRuntime;
using ModelGen.Samples.Mnist.Data;

namespace ModelGen.Benchmarks.Compare.Engines;

/// <summary>
/// ONNX Runtime running ModelGen's ONNX export of the same weights (Gemm, Relu, Gemm, Softmax), used
/// the fast way: input and output OrtValues created once over pinned managed buffers, and
/// Run(..., outputValues) writing into the preallocated output, so a call allocates no tensors.
/// For single images the image is copied into the input buffer (784 floats, tens of nanoseconds).
/// ONNX Runtime's defaults otherwise (all graph optimisations, spinning intra-op threads).
/// </summary>
public sealed class OnnxRuntimeEngine : IDisposable
{
    private static readonly string[] s_inputNames = ["input"], s_outputNames = ["output"];

    private readonly MnistSet _test;
    private readonly SessionOptions _options;
    private readonly InferenceSession _session;
    private readonly RunOptions _run = new();
    private readonly float[] _image = new float[MnistMlp.InputSize];
    private readonly float[] _scores = new float[MnistMlp.OutputSize];
    private readonly float[] _bulkOutputs;
    private readonly OrtValue[] _imageInput, _scoresOutput, _bulkInput, _bulkOutput;

    public const string Name = "ONNX Runtime";

    public OnnxRuntimeEngine(byte[] onnxModel, MnistSet test, int threads)
    {
        _test = test;
        Threads = threads;
        _options = new SessionOptions
        {
            IntraOpNumThreads = threads,
            InterOpNumThreads = 1,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
        };
        _session = new InferenceSession(onnxModel, _options);
        _bulkOutputs = new float[test.Count * MnistMlp.OutputSize];
        _imageInput = [OrtValue.CreateTensorValueFromMemory(_image, [1, MnistMlp.InputSize])];
        _scoresOutput = [OrtValue.CreateTensorValueFromMemory(_scores, [1, MnistMlp.OutputSize])];
        _bulkInput = [OrtValue.CreateTensorValueFromMemory(test.Pixels, [test.Count, MnistMlp.InputSize])];
        _bulkOutput = [OrtValue.CreateTensorValueFromMemory(_bulkOutputs, [test.Count, MnistMlp.OutputSize])];
    }

    public int Threads { get; }

    /// <summary>The probabilities of the last <see cref="PredictBulk"/>.</summary>
    public ReadOnlySpan<float> BulkOutputs => _bulkOutputs;

    /// <summary>Forward pass (with the softmax: it is in the graph) and argmax for test image <paramref name="index"/>.</summary>
    public int PredictClass(int index)
    {
        _test.Image(index).CopyTo(_image);
        _session.Run(_run, s_inputNames, _imageInput, s_outputNames, _scoresOutput);
        return Batch.ArgMax(_scores);
    }

    /// <summary>The whole test set in one Run.</summary>
    public void PredictBulk() => _session.Run(_run, s_inputNames, _bulkInput, s_outputNames, _bulkOutput);

    public void Dispose()
    {
        foreach (OrtValue value in (OrtValue[])[.. _imageInput, .. _scoresOutput, .. _bulkInput, .. _bulkOutput]) value.Dispose();
        _run.Dispose();
        _session.Dispose();
        _options.Dispose();
    }
}
