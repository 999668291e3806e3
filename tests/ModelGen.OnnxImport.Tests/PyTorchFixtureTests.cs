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

/// <summary>
/// bad/conv_asymmetric_pads.onnx was made as a file ModelGen would refuse, but explicit pads [0, 0, 1, 1]
/// (bottom and right only) are within what the importer maps (PadTop/PadLeft and ONNX's output size): it
/// imports, and the import agrees with ONNX Runtime.
/// </summary>
public sealed class AsymmetricPadsTests
{
    [Fact]
    public void ImportMatchesOnnxRuntime()
    {
        byte[] onnx = File.ReadAllBytes(Path.Combine(Fixtures.Folder, "bad", "conv_asymmetric_pads.onnx"));
        ImportedModel imported = ImportCompiler.Compile(onnx);
        Assert.Equal(36, imported.InputSize);
        float[] inputs = ModelGen.Tests.OnnxFiles.TestNetworks.Random(5 * 36, 17, 1f);
        Close.Equal(Ort.Run(onnx, inputs, [5, 1, 6, 6]), imported.PredictBatch(inputs));
    }
}

/// <summary>
/// Two files of bad/ that were made as files ModelGen would refuse but that the graph importer maps: conv_grouped.onnx
/// (group 2 on 2 channels: a depthwise convolution with multiplier 2) and unsupported_op.onnx (a BatchNormalization of
/// [N, 8] after a Gemm). Each import agrees with ONNX Runtime.
/// </summary>
public sealed class FormerlyUnsupportedTests
{
    [Theory]
    [InlineData("conv_grouped", new long[] { 2, 6, 6 })]
    [InlineData("unsupported_op", new long[] { 4 })]
    public void ImportMatchesOnnxRuntime(string name, long[] sampleShape)
    {
        byte[] onnx = File.ReadAllBytes(Path.Combine(Fixtures.Folder, "bad", name + ".onnx"));
        ImportedModel imported = ImportCompiler.Compile(onnx);
        int size = (int)sampleShape.Aggregate(1L, (a, b) => a * b);
        Assert.Equal(size, imported.InputSize);
        float[] inputs = ModelGen.Tests.OnnxFiles.TestNetworks.Random(5 * size, 23, 1f);
        float[] expected = Ort.Run(onnx, inputs, [5, .. sampleShape]);
        Close.Equal(expected, imported.PredictBatch(inputs));
        Close.Equal(expected, imported.PredictEach(inputs));
    }
}
