using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using ModelGen.Generator.Onnx;
using ModelGen.OnnxImport.Tests.Harness;

namespace ModelGen.OnnxImport.Tests;

/// <summary>
/// Save of an imported PyTorch model writes PyTorch's state_dict: every ONNX initializer of a Gemm (transB = 1)
/// or Conv comes back under its own name ("features.8.weight") with the same shape and the same values, bit
/// for bit, though ModelGen holds them transposed and (after a Flatten) with permuted rows in between.
/// </summary>
public sealed class StateDictTests
{
    [Theory]
    [InlineData("convnet")] // features.0, features.3 (Conv), features.8 (Linear after a channels-first Flatten)
    [InlineData("rgb")]
    [InlineData("view_flatten")]
    [InlineData("mlp")]
    [InlineData("same_stride2")] // features.2 is a Conv without bias: no features.2.bias, as in PyTorch's state_dict
    public void SaveWritesTheInitializersUnderTheirNames(string fixture)
    {
        byte[] onnx = File.ReadAllBytes(Path.Combine(Fixtures.Folder, fixture + ".onnx"));
        ImportedModel imported = ImportCompiler.Compile(onnx);
        using var folder = new TempFolder();
        imported.Save(folder.File("model.safetensors"));
        Dictionary<string, (long[] Shape, float[] Values)> saved = ReadSafeTensors(File.ReadAllBytes(folder.File("model.safetensors")));

        OnnxModelProto model = OnnxReader.Read(onnx, CancellationToken.None);
        var initializers = model.Graph!.Initializers.Where(t => t.DataType == OnnxDataType.Float && t.Dims.Count > 0).ToList();
        Assert.NotEmpty(initializers);
        Assert.Equal(initializers.Select(t => t.Name).Order(StringComparer.Ordinal), saved.Keys.Order(StringComparer.Ordinal));
        foreach (OnnxTensorProto tensor in initializers)
        {
            Assert.Equal(tensor.Dims.ToArray(), saved[tensor.Name].Shape);
            Assert.Equal(OnnxTensors.Floats(tensor), saved[tensor.Name].Values);
        }
    }

    /// <summary>The safetensors format, read here from its spec: an 8-byte header length, a JSON header, the data.</summary>
    private static Dictionary<string, (long[] Shape, float[] Values)> ReadSafeTensors(byte[] file)
    {
        long headerLength = BinaryPrimitives.ReadInt64LittleEndian(file);
        using JsonDocument header = JsonDocument.Parse(Encoding.UTF8.GetString(file, 8, (int)headerLength));
        var tensors = new Dictionary<string, (long[], float[])>();
        int dataStart = 8 + (int)headerLength;
        foreach (JsonProperty entry in header.RootElement.EnumerateObject())
        {
            if (entry.Name == "__metadata__") continue;
            Assert.Equal("F32", entry.Value.GetProperty("dtype").GetString());
            long[] shape = [.. entry.Value.GetProperty("shape").EnumerateArray().Select(d => d.GetInt64())];
            int[] offsets = [.. entry.Value.GetProperty("data_offsets").EnumerateArray().Select(d => d.GetInt32())];
            var values = new float[(offsets[1] - offsets[0]) / 4];
            for (int i = 0; i < values.Length; i++) values[i] = BinaryPrimitives.ReadSingleLittleEndian(file.AsSpan(dataStart + offsets[0] + i * 4));
            tensors.Add(entry.Name, (shape, values));
        }
        return tensors;
    }
}
