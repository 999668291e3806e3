using System.Text.Json;
using ModelGen.OnnxImport.Tests.Harness;

namespace ModelGen.OnnxImport.Tests;

/// <summary>
/// Every graph fixture (tests/fixtures/pytorch/graph: residual blocks with and without BatchNormalization, a MobileNetV2
/// block, Concat branches, average pooling after Pad, ReLU6 as Clip) imports, and the compiled model gives PyTorch's
/// outputs from the manifest within 1e-5, and ONNX Runtime's, batch by batch and sample by sample.
/// </summary>
public sealed class GraphImportTests
{
    private static string GraphFolder => Path.Combine(Fixtures.Folder, "graph");

    private static JsonElement Models() => Fixtures.Manifest("graph/manifest.json").GetProperty("models");

    public static TheoryData<string> Names => new(Models().EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));

    internal static (float[] Inputs, float[] Expected, long[] Shape) Samples(JsonElement model)
    {
        float[][] inputs = [.. model.GetProperty("inputs").EnumerateArray().Select(s => s.EnumerateArray().Select(v => v.GetSingle()).ToArray())];
        float[] expected = [.. model.GetProperty("outputs").EnumerateArray().SelectMany(s => s.EnumerateArray().Select(v => v.GetSingle()))];
        long[] shape = [inputs.Length, .. model.GetProperty("input_shape").EnumerateArray().Skip(1).Select(d => d.GetInt64())];
        return ([.. inputs.SelectMany(s => s)], expected, shape);
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void ImportGivesPyTorchsOutputs(string name)
    {
        JsonElement model = Models().GetProperty(name);
        byte[] onnx = File.ReadAllBytes(Path.Combine(GraphFolder, model.GetProperty("onnx").GetString()!));
        (float[] inputs, float[] expected, long[] shape) = Samples(model);

        ImportedModel imported = ImportCompiler.Compile(onnx);

        Assert.Equal(shape.Skip(1).Aggregate(1L, (a, b) => a * b), imported.InputSize);
        float[] actual = imported.PredictBatch(inputs);
        Close.Equal(expected, actual, relative: 1e-5f, absolute: 1e-5f);
        Close.Equal(expected, imported.PredictEach(inputs), relative: 1e-5f, absolute: 1e-5f);
        Close.Equal(Ort.Run(onnx, inputs, shape), actual, relative: 1e-5f, absolute: 1e-5f);
    }
}
