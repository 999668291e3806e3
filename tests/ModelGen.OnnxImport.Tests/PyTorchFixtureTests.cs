using System.Text.Json;
using ModelGen.OnnxImport.Tests.Harness;

namespace ModelGen.OnnxImport.Tests;

/// <summary>
/// The files torch.onnx.export wrote (tests/fixtures/pytorch): each import, compiled and run on the saved
/// inputs, gives PyTorch's saved outputs and ONNX Runtime's within 1e-5 relative.
/// </summary>
public sealed class PyTorchFixtureTests
{
    public static TheoryData<string> Good => new(Fixtures.GoodNames());

    [Theory]
    [MemberData(nameof(Good))]
    public void ImportGivesPyTorchsOutputs(string name)
    {
        JsonElement fixture = Fixtures.Manifest().GetProperty("fixtures").GetProperty(name);
        byte[] onnx = File.ReadAllBytes(Path.Combine(Fixtures.Folder, fixture.GetProperty("onnx").GetString()!));
        float[] inputs = Fixtures.ReadFloats(fixture.GetProperty("input").GetString()!);
        float[] expected = Fixtures.ReadFloats(fixture.GetProperty("output").GetString()!);
        int batch = fixture.GetProperty("batch_count").GetInt32();
        long[] shape = [batch, .. fixture.GetProperty("input_shape").EnumerateArray().Skip(1).Select(d => d.GetInt64())];

        ImportedModel imported = ImportCompiler.Compile(onnx);

        Assert.Equal(inputs.Length / batch, imported.InputSize);
        float[] actual = imported.PredictBatch(inputs);
        Close.Equal(expected, actual);
        Close.Equal(expected, imported.PredictEach(inputs));
        Close.Equal(Ort.Run(onnx, inputs, shape), actual);
    }
}
