using Microsoft.ML.OnnxRuntime;

namespace ModelGen.OnnxImport.Tests.Harness;

/// <summary>Runs ONNX bytes in ONNX Runtime (CPU, at most two threads: the machine is shared).</summary>
public static class Ort
{
    public static float[] Run(byte[] onnx, float[] inputs, long[] shape)
    {
        using var options = new SessionOptions { IntraOpNumThreads = 2, InterOpNumThreads = 1 };
        using var session = new InferenceSession(onnx, options);
        string inputName = session.InputMetadata.Keys.Single(), outputName = session.OutputMetadata.Keys.Single();
        using OrtValue input = OrtValue.CreateTensorValueFromMemory(inputs, shape);
        using var runOptions = new RunOptions();
        using IDisposableReadOnlyCollection<OrtValue> results = session.Run(runOptions, [inputName], [input], [outputName]);
        return results[0].GetTensorDataAsSpan<float>().ToArray();
    }
}

/// <summary>Float comparisons with a relative tolerance (and an absolute floor for values near 0).</summary>
public static class Close
{
    public static void Equal(float[] expected, float[] actual, float relative = 1e-5f, float absolute = 1e-6f)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            float tolerance = Math.Max(absolute, relative * Math.Abs(expected[i]));
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tolerance, $"element {i}: expected {expected[i]:R}, got {actual[i]:R} (tolerance {tolerance:R})");
        }
    }
}
