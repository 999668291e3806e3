using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Runtime.InteropServices.JavaScript;
using System.Runtime.Intrinsics;
using System.Runtime.Versioning;
using ModelGen.Samples.Mnist;

namespace ModelGen.WebBench;

/// <summary>
/// What the page calls: ModelGen's side of the browser benchmark. Inputs and outputs live in pinned arrays
/// that the page fills and reads through the WebAssembly heap, so a call passes no array across the boundary.
/// </summary>
[SupportedOSPlatform("browser")]
public static partial class Bench
{
    /// <summary>Samples a batch call holds.</summary>
    private const int Capacity = 1000;

    private static readonly IClassifier[] s_models = [new MnistMlp(), new MnistConvNet()];
    private static readonly float[][] s_inputs = s_models.Select(m => GC.AllocateArray<float>(Capacity * m.InputSize, pinned: true)).ToArray();
    private static readonly float[][] s_outputs = s_models.Select(m => GC.AllocateArray<float>(Capacity * m.OutputSize, pinned: true)).ToArray();

    /// <summary>The entry point: nothing to do, the page calls the exports.</summary>
    public static void Main() => Console.WriteLine("ModelGen.WebBench loaded: " + Info());

    /// <summary>What the kernels run with here, as JSON.</summary>
    [JSExport]
    public static string Info() =>
        $"{{\"vectorPath\":\"{VectorPath.Description}\",\"vector128\":{Lower(Vector128.IsHardwareAccelerated)},\"vector256\":{Lower(Vector256.IsHardwareAccelerated)}," +
        $"\"vector512\":{Lower(Vector512.IsHardwareAccelerated)},\"kernelThreads\":{Kernels.Threads},\"processorCount\":{Environment.ProcessorCount}," +
        $"\"runtime\":\"{RuntimeInformation.FrameworkDescription}\",\"os\":\"{RuntimeInformation.OSDescription}\"}}";

    private static string Lower(bool value) => value ? "true" : "false";

    /// <summary>Loads model <paramref name="model"/> (0: MLP, 1: convnet) from a safetensors file's bytes.</summary>
    [JSExport]
    public static void Load(int model, byte[] safetensors)
    {
        string path = Path.Combine(Path.GetTempPath(), $"model{model}.safetensors");
        File.WriteAllBytes(path, safetensors);
        s_models[model].Load(path);
        File.Delete(path);
    }

    /// <summary>Where the model's input buffer starts in the WebAssembly heap (room for 1000 samples).</summary>
    [JSExport]
    public static unsafe int InputAddress(int model)
    {
        fixed (float* p = s_inputs[model]) return (int)(nint)p;
    }

    /// <summary>Where the model's output buffer starts in the WebAssembly heap (room for 1000 samples).</summary>
    [JSExport]
    public static unsafe int OutputAddress(int model)
    {
        fixed (float* p = s_outputs[model]) return (int)(nint)p;
    }

    /// <summary>One sample: Predict from the input buffer's first row into the output buffer's first row.</summary>
    [JSExport]
    public static void Predict(int model)
    {
        IClassifier m = s_models[model];
        m.Predict(s_inputs[model].AsSpan(0, m.InputSize), s_outputs[model].AsSpan(0, m.OutputSize));
    }

    /// <summary>The first <paramref name="count"/> samples of the input buffer in one PredictBatch call.</summary>
    [JSExport]
    public static void PredictBatch(int model, int count)
    {
        IClassifier m = s_models[model];
        m.PredictBatch(s_inputs[model].AsSpan(0, count * m.InputSize), s_outputs[model].AsSpan(0, count * m.OutputSize));
    }

    /// <summary>
    /// Milliseconds for <paramref name="calls"/> single predictions timed inside .NET (no JavaScript call per
    /// prediction): the part of the page's figure that is ModelGen's own code.
    /// </summary>
    [JSExport]
    public static double TimeInside(int model, int calls)
    {
        IClassifier m = s_models[model];
        ReadOnlySpan<float> input = s_inputs[model].AsSpan(0, m.InputSize);
        Span<float> output = s_outputs[model].AsSpan(0, m.OutputSize);
        long start = Stopwatch.GetTimestamp();
        for (int i = 0; i < calls; i++) m.Predict(input, output);
        return Stopwatch.GetElapsedTime(start).TotalMilliseconds;
    }

    /// <summary>Bytes this thread allocated so far (the page checks a prediction allocates none).</summary>
    [JSExport]
    public static double AllocatedBytes() => GC.GetAllocatedBytesForCurrentThread();
}
