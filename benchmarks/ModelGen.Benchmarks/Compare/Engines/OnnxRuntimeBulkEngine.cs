using Microsoft.ML.OnnxRuntime;
using ModelGen.Samples.Mnist.Data;

namespace ModelGen.Benchmarks.Compare.Engines;

/// <summary>
/// ONNX Runtime running ModelGen's ONNX export of an image model (input [batch, 28, 28, 1] channels-last,
/// output [batch, 10] probabilities) over the whole test set, in Runs of <c>chunk</c> images: input and
/// output OrtValues are created once over slices of pinned managed buffers, so a bulk pass allocates no
/// tensors. Chunks bound ONNX Runtime's activation memory (a ResNet's first stage alone holds 50 KB per
/// image per tensor); ModelGen's PredictBatch likewise works through the set in blocks. ONNX Runtime's
/// defaults otherwise (all graph optimisations, spinning intra-op threads), as in <see cref="OnnxRuntimeEngine"/>.
/// </summary>
public sealed class OnnxRuntimeBulkEngine : IDisposable
{
    private const int Classes = 10;
    private static readonly string[] s_inputNames = ["input"], s_outputNames = ["output"];

    private readonly SessionOptions _options;
    private readonly InferenceSession _session;
    private readonly RunOptions _run = new();
    private readonly float[] _bulkOutputs;
    private readonly OrtValue[][] _inputs, _outputs;

    public OnnxRuntimeBulkEngine(string onnxPath, MnistSet test, int threads, int chunk)
    {
        Threads = threads;
        _options = new SessionOptions
        {
            IntraOpNumThreads = threads,
            InterOpNumThreads = 1,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
        };
        _session = new InferenceSession(onnxPath, _options);
        _bulkOutputs = new float[test.Count * Classes];
        int size = test.Pixels.Length / test.Count;
        var inputs = new List<OrtValue[]>();
        var outputs = new List<OrtValue[]>();
        for (int start = 0; start < test.Count; start += chunk)
        {
            int n = Math.Min(chunk, test.Count - start);
            inputs.Add([OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, test.Pixels.AsMemory(start * size, n * size), [n, 28, 28, 1])]);
            outputs.Add([OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, _bulkOutputs.AsMemory(start * Classes, n * Classes), [n, Classes])]);
        }
        _inputs = inputs.ToArray();
        _outputs = outputs.ToArray();
    }

    public int Threads { get; }

    /// <summary>The probabilities of the last <see cref="PredictBulk"/>, [test count, 10].</summary>
    public ReadOnlySpan<float> BulkOutputs => _bulkOutputs;

    /// <summary>The whole test set, one Run per chunk.</summary>
    public void PredictBulk()
    {
        for (int i = 0; i < _inputs.Length; i++) _session.Run(_run, s_inputNames, _inputs[i], s_outputNames, _outputs[i]);
    }

    public void Dispose()
    {
        foreach (OrtValue[] values in _inputs.Concat(_outputs)) values[0].Dispose();
        _run.Dispose();
        _session.Dispose();
        _options.Dispose();
    }
}
