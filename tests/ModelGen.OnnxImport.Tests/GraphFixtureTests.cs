using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using ModelGen.Generator.Onnx;
using ModelGen.OnnxImport.Tests.Harness;

namespace ModelGen.OnnxImport.Tests;

/// <summary>
/// The graph fixtures (tests/fixtures/pytorch/graph, made by make_graph_fixtures.py): each file parses with
/// ModelGen's own ONNX reader and holds the operators its manifest lists (so resnet_block_preserve really has
/// BatchNormalization nodes and resnet_block_eval none); ONNX Runtime gives PyTorch's outputs for the saved
/// inputs; and the safetensors state_dict holds exactly the running statistics the BatchNormalization nodes read.
/// </summary>
public sealed class GraphFixtureTests
{
    private static string GraphFolder => Path.Combine(Fixtures.Folder, "graph");

    private static JsonElement Models() => Fixtures.Manifest("graph/manifest.json").GetProperty("models");

    public static TheoryData<string> Names => new(Models().EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));

    private static OnnxModelProto Read(JsonElement model) =>
        OnnxReader.Read(File.ReadAllBytes(Path.Combine(GraphFolder, model.GetProperty("onnx").GetString()!)), CancellationToken.None);

    private static string[] Strings(JsonElement array) => [.. array.EnumerateArray().Select(e => e.GetString()!)];

    [Fact]
    public void TheManifestListsEveryModel()
    {
        Assert.Equal(
            ["avgpool_k2", "avgpool_k3_pad1_exclude", "avgpool_k3_pad1_include", "concat_branches", "mobilenet_v2_block", "pad_avgpool",
             "relu6_clip", "resnet_block_eval", "resnet_block_preserve"],
            Names);
        Assert.Equal(Models().EnumerateObject().Count(), Directory.GetFiles(GraphFolder, "*.onnx").Length);
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void TheReaderSeesTheOperatorsOfTheManifest(string name)
    {
        JsonElement model = Models().GetProperty(name);
        OnnxModelProto proto = Read(model);

        OnnxGraphProto graph = proto.Graph!;
        Assert.Equal(Strings(model.GetProperty("ops")), graph.Nodes.Select(n => n.OpType));
        Assert.Equal(Strings(model.GetProperty("op_types")), graph.Nodes.Select(n => n.OpType).Distinct().Order(StringComparer.Ordinal));
        Assert.Equal(13, proto.Opsets.Single(o => o.Domain.Length == 0).Version);
        OnnxValueInfo input = Assert.Single(graph.Inputs, i => !graph.Initializers.Exists(t => t.Name == i.Name));
        Assert.Equal(model.GetProperty("input_name").GetString(), input.Name);
        // [batch, C, H, W]: the batch is symbolic, the rest fixed.
        Assert.Null(input.Dims[0]);
        Assert.Equal(model.GetProperty("input_shape").EnumerateArray().Skip(1).Select(d => (long?)d.GetInt64()), input.Dims.Skip(1));
        Assert.Equal(model.GetProperty("output_name").GetString(), Assert.Single(graph.Outputs).Name);
        Assert.Equal(
            model.GetProperty("initializers").EnumerateObject().Select(p => p.Name + " " + string.Join("x", p.Value.EnumerateArray().Select(d => d.GetInt64()))),
            graph.Initializers.Select(t => t.Name + " " + string.Join("x", t.Dims)));
    }

    /// <summary>What each fixture is for: the operators the graph importer maps (<see cref="GraphImportTests"/>).</summary>
    [Theory]
    [InlineData("resnet_block_preserve", "Add BatchNormalization Conv Flatten Gemm GlobalAveragePool Relu")]
    [InlineData("resnet_block_eval", "Add Conv Flatten Gemm GlobalAveragePool Relu")]
    [InlineData("mobilenet_v2_block", "Add BatchNormalization Clip Constant Conv Gemm ReduceMean Relu")]
    [InlineData("concat_branches", "Concat Conv Flatten Gemm Relu")]
    [InlineData("avgpool_k2", "AveragePool Constant Conv Flatten Gemm Pad Relu")]
    [InlineData("avgpool_k3_pad1_include", "AveragePool Constant Conv Flatten Gemm Pad Relu")]
    [InlineData("avgpool_k3_pad1_exclude", "AveragePool Conv Flatten Gemm Relu")]
    [InlineData("relu6_clip", "Clip Constant Conv Flatten Gemm Relu")]
    public void EachFixtureHoldsWhatItClaims(string name, string opTypes)
    {
        OnnxGraphProto graph = Read(Models().GetProperty(name)).Graph!;
        Assert.Equal(opTypes.Split(' '), graph.Nodes.Select(n => n.OpType).Distinct().Order(StringComparer.Ordinal));
        switch (name)
        {
            case "resnet_block_preserve":
                // stem, two per block, and the projection shortcut's; the residual Adds read two computed tensors.
                Assert.Equal(6, graph.Nodes.Count(n => n.OpType == "BatchNormalization"));
                Assert.Equal(2, graph.Nodes.Count(n => n.OpType == "Add"));
                Assert.All(graph.Nodes.Where(n => n.OpType == "Add"), n => Assert.DoesNotContain(n.Inputs, i => graph.Initializers.Exists(t => t.Name == i)));
                break;
            case "resnet_block_eval":
                Assert.Equal(6, graph.Nodes.Count(n => n.OpType == "Conv")); // BatchNorm folded: the Convs now have biases
                Assert.All(graph.Nodes.Where(n => n.OpType == "Conv"), n => Assert.Equal(3, n.Inputs.Count));
                break;
            case "mobilenet_v2_block":
                Assert.Equal([1L, 8, 1], graph.Nodes.Where(n => n.OpType == "Conv").Select(n => n.Attribute("group")!.I));
                Assert.Equal([2L, 3], graph.Nodes.Single(n => n.OpType == "ReduceMean").Attribute("axes")!.Ints);
                Assert.Contains(graph.Nodes.Single(n => n.OpType == "Add").Inputs, i => i == "input"); // the residual reads the graph's input
                break;
            case "concat_branches":
                OnnxNodeProto concat = graph.Nodes.Single(n => n.OpType == "Concat");
                Assert.Equal(1, concat.Attribute("axis")!.I);
                Assert.Equal(2, graph.Nodes.Count(n => n.OpType == "Conv" && n.Inputs[0] == "input")); // two branches on one tensor
                break;
            case "avgpool_k3_pad1_exclude":
                OnnxNodeProto pool = graph.Nodes.Single(n => n.OpType == "AveragePool");
                Assert.Equal([1L, 1, 1, 1], pool.Attribute("pads")!.Ints);
                Assert.Equal(0, pool.Attribute("count_include_pad")?.I ?? 0);
                break;
            case "relu6_clip":
                OnnxNodeProto clip = graph.Nodes.Single(n => n.OpType == "Clip");
                Assert.Equal(3, clip.Inputs.Count); // min and max as inputs (opset 11 and later), from Constant nodes
                break;
        }
    }

    [Fact]
    public void PadThenAveragePoolComputesItsPads()
    {
        // F.pad in torch 1.13 (opset 13): the pads reach Pad through ConstantOfShape, Concat, Reshape, Slice, Transpose, Reshape and Cast.
        OnnxGraphProto graph = Read(Models().GetProperty("pad_avgpool")).Graph!;
        Assert.Equal(2, graph.Nodes.Count(n => n.OpType == "Pad"));
        Assert.Equal("Cast", graph.Nodes.Single(n => n.Outputs[0] == graph.Nodes.First(p => p.OpType == "Pad").Inputs[1]).OpType);
        Assert.Contains(graph.Nodes, n => n.OpType == "ConstantOfShape");
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void OnnxRuntimeGivesPyTorchsOutputs(string name)
    {
        JsonElement model = Models().GetProperty(name);
        float[][] inputs = [.. model.GetProperty("inputs").EnumerateArray().Select(s => s.EnumerateArray().Select(v => v.GetSingle()).ToArray())];
        float[] expected = [.. model.GetProperty("outputs").EnumerateArray().SelectMany(s => s.EnumerateArray().Select(v => v.GetSingle()))];
        long[] shape = [inputs.Length, .. model.GetProperty("input_shape").EnumerateArray().Skip(1).Select(d => d.GetInt64())];

        float[] actual = Ort.Run(File.ReadAllBytes(Path.Combine(GraphFolder, name + ".onnx")), [.. inputs.SelectMany(s => s)], shape);

        Close.Equal(expected, actual, relative: 1e-4f, absolute: 1e-5f);
    }

    [Theory]
    [InlineData("resnet_block_preserve")]
    [InlineData("mobilenet_v2_block")]
    public void TheStateDictHoldsWhatTheBatchNormalizationNodesRead(string name)
    {
        JsonElement model = Models().GetProperty(name);
        var state = ReadSafeTensors(File.ReadAllBytes(Path.Combine(GraphFolder, model.GetProperty("state_dict").GetString()!)));
        OnnxGraphProto graph = Read(model).Graph!;

        Assert.Equal(model.GetProperty("state_dict_tensors").EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal), state.Keys.Order(StringComparer.Ordinal));
        var norms = graph.Nodes.Where(n => n.OpType == "BatchNormalization").ToList();
        Assert.Equal(model.GetProperty("batch_norms").GetArrayLength(), norms.Count);
        foreach (OnnxNodeProto norm in norms)
        {
            // scale, B, mean, var: initializers named as in the state_dict, with the same values bit for bit.
            for (int i = 1; i <= 4; i++)
            {
                OnnxTensorProto tensor = graph.Initializers.Single(t => t.Name == norm.Inputs[i]);
                Assert.Equal("F32", state[tensor.Name].DType);
                Assert.Equal(OnnxTensors.Floats(tensor), state[tensor.Name].Floats);
            }
            string module = norm.Inputs[3][..^".running_mean".Length];
            // Trained a few steps: statistics far from their initial 0 and 1, and the step count saved as I64.
            Assert.Contains(state[module + ".running_mean"].Floats!, v => Math.Abs(v) > 0.05f);
            Assert.Contains(state[module + ".running_var"].Floats!, v => Math.Abs(v - 1f) > 0.05f);
            Assert.Equal("I64", state[module + ".num_batches_tracked"].DType);
            Assert.Equal(5L, state[module + ".num_batches_tracked"].Int64);
        }
    }

    [Fact]
    public void TheEvalExportIsThePreservedModelWithBatchNormFolded()
    {
        // Same weights: the eval export's Conv biases are BN's bias - mean·scale/√(var+ε), computed here from the state_dict.
        var state = ReadSafeTensors(File.ReadAllBytes(Path.Combine(GraphFolder, "resnet_block_eval.safetensors")));
        Assert.Equal(
            File.ReadAllBytes(Path.Combine(GraphFolder, "resnet_block_preserve.safetensors")),
            File.ReadAllBytes(Path.Combine(GraphFolder, "resnet_block_eval.safetensors")));
        OnnxGraphProto graph = Read(Models().GetProperty("resnet_block_eval")).Graph!;
        OnnxNodeProto stem = graph.Nodes.First(n => n.OpType == "Conv");
        float[] bias = OnnxTensors.Floats(graph.Initializers.Single(t => t.Name == stem.Inputs[2]))!;
        float[] mean = state["bn.running_mean"].Floats!, variance = state["bn.running_var"].Floats!, scale = state["bn.weight"].Floats!, shift = state["bn.bias"].Floats!;
        for (int c = 0; c < bias.Length; c++)
            Assert.Equal(shift[c] - mean[c] * scale[c] / MathF.Sqrt(variance[c] + 1e-5f), bias[c], 1e-5f);
    }

    internal sealed record SafeTensor(string DType, long[] Shape, float[]? Floats, long Int64);

    /// <summary>safetensors: an 8-byte little-endian header length, a JSON header, then the data.</summary>
    internal static Dictionary<string, SafeTensor> ReadSafeTensors(byte[] file)
    {
        long headerLength = BinaryPrimitives.ReadInt64LittleEndian(file);
        Assert.Equal(0, headerLength % 8);
        using JsonDocument header = JsonDocument.Parse(Encoding.UTF8.GetString(file, 8, (int)headerLength));
        int start = 8 + (int)headerLength;
        var tensors = new Dictionary<string, SafeTensor>();
        long end = 0;
        foreach (JsonProperty entry in header.RootElement.EnumerateObject())
        {
            if (entry.Name == "__metadata__") continue;
            string dtype = entry.Value.GetProperty("dtype").GetString()!;
            long[] shape = [.. entry.Value.GetProperty("shape").EnumerateArray().Select(d => d.GetInt64())];
            int[] offsets = [.. entry.Value.GetProperty("data_offsets").EnumerateArray().Select(d => d.GetInt32())];
            long count = shape.Aggregate(1L, (a, b) => a * b);
            ReadOnlySpan<byte> data = file.AsSpan(start + offsets[0], offsets[1] - offsets[0]);
            end = Math.Max(end, offsets[1]);
            if (dtype == "F32")
            {
                Assert.Equal(count * 4, data.Length);
                var values = new float[count];
                for (int i = 0; i < count; i++) values[i] = BinaryPrimitives.ReadSingleLittleEndian(data[(i * 4)..]);
                tensors.Add(entry.Name, new SafeTensor(dtype, shape, values, 0));
            }
            else
            {
                Assert.Equal("I64", dtype);
                Assert.Equal([], shape);
                Assert.Equal(8, data.Length);
                tensors.Add(entry.Name, new SafeTensor(dtype, shape, null, BinaryPrimitives.ReadInt64LittleEndian(data)));
            }
        }
        Assert.Equal(file.Length - start, end); // no bytes after the last tensor
        return tensors;
    }
}
