using System.Runtime.InteropServices;
using ModelGen.Export;
using ModelGen.Onnx.Tests.Harness;
using ModelGen.Onnx.Tests.Models;

namespace ModelGen.Onnx.Tests;

/// <summary>
/// The exported bytes decoded with the test's own protobuf reader and checked against onnx.proto's
/// field numbers and the model's declaration, without ONNX Runtime.
/// </summary>
public sealed class OnnxFileStructureTests
{
    // onnx.proto field numbers, written out here rather than taken from the exporter.
    private const int ModelIrVersion = 1, ModelProducerName = 2, ModelGraph = 7, ModelOpsetImport = 8;
    private const int GraphNode = 1, GraphName = 2, GraphInitializer = 5, GraphInput = 11, GraphOutput = 12;
    private const int NodeInput = 1, NodeOutput = 2, NodeOpType = 4, NodeAttribute = 5;
    private const int AttributeName = 1, AttributeF = 2, AttributeI = 3, AttributeType = 20;
    private const int TensorDims = 1, TensorDataType = 2, TensorName = 8, TensorRawData = 9;

    private static (WireMessage Model, ExportedModel Source) Export(string name)
    {
        ExportedModel model = ExportedModel.Create(name, seed: 5);
        model.Randomize(seed: 6);
        byte[] bytes = OnnxExporter.ToBytes(model.Name, model.InputSize, model.Layers, model.Parameters);
        return (WireMessage.Parse(bytes), model);
    }

    [Fact]
    public void File_starts_with_ir_version_8_as_the_first_field()
    {
        ExportedModel model = ExportedModel.Create(nameof(SingleLayerRelu), seed: 1);
        byte[] bytes = OnnxExporter.ToBytes(model.Name, model.InputSize, model.Layers, model.Parameters);
        // Key (1 << 3 | wire type 0) = 0x08, then the varint 8.
        Assert.Equal(new byte[] { 0x08, 0x08 }, bytes.Take(2).ToArray());
    }

    [Fact]
    public void Model_header_names_ModelGen_and_imports_the_default_opset_17()
    {
        (WireMessage model, _) = Export(nameof(EveryActivationClassifier));
        Assert.Equal(8, model.SingleInt64(ModelIrVersion));
        Assert.Equal("ModelGen", model.SingleString(ModelProducerName));
        WireMessage opset = model.Message(ModelOpsetImport);
        Assert.Equal("", opset.SingleString(1));
        Assert.Equal(17, opset.SingleInt64(2));
        Assert.Equal(nameof(EveryActivationClassifier), model.Message(ModelGraph).SingleString(GraphName));
    }

    [Fact]
    public void Nodes_are_a_Gemm_per_layer_then_its_activation_chained_from_input_to_output()
    {
        (WireMessage model, _) = Export(nameof(EveryActivationClassifier));
        WireMessage[] nodes = model.Message(ModelGraph).Messages(GraphNode);
        Assert.Equal(
            ["Gemm", "Relu", "Gemm", "LeakyRelu", "Gemm", "Sigmoid", "Gemm", "Tanh", "Gemm", "Gemm", "Softmax"],
            nodes.Select(n => n.SingleString(NodeOpType)).ToArray());

        // Each node reads what the one before it wrote; the first reads the graph input.
        string previous = "input";
        foreach (WireMessage node in nodes)
        {
            Assert.Equal(previous, node.Strings(NodeInput)[0]);
            previous = node.SingleString(NodeOutput);
        }
        Assert.Equal("output", previous);

        // Gemm: A, B = weights, C = biases, named after the layer.
        Assert.Equal(["Leaky.y", "Squashed.weight", "Squashed.bias"], nodes[4].Strings(NodeInput));

        WireMessage alpha = nodes[3].Message(NodeAttribute);
        Assert.Equal("alpha", alpha.SingleString(AttributeName));
        Assert.Equal(0.1f, alpha.SingleFloat(AttributeF));
        Assert.Equal(1, alpha.SingleInt64(AttributeType)); // FLOAT

        WireMessage axis = nodes[^1].Message(NodeAttribute);
        Assert.Equal("axis", axis.SingleString(AttributeName));
        Assert.Equal(1, axis.SingleInt64(AttributeI));
        Assert.Equal(2, axis.SingleInt64(AttributeType)); // INT
    }

    [Fact]
    public void An_identity_output_layer_is_a_Gemm_writing_the_graph_output()
    {
        (WireMessage model, _) = Export(nameof(LinearOutputRegressor));
        WireMessage[] nodes = model.Message(ModelGraph).Messages(GraphNode);
        Assert.Equal(["Gemm", "Tanh", "Gemm"], nodes.Select(n => n.SingleString(NodeOpType)).ToArray());
        Assert.Equal("output", nodes[^1].SingleString(NodeOutput));
    }

    [Fact]
    public void Initializers_hold_each_layers_weights_and_biases_as_raw_little_endian_float32()
    {
        (WireMessage model, ExportedModel source) = Export(nameof(EveryActivationClassifier));
        WireMessage[] tensors = model.Message(ModelGraph).Messages(GraphInitializer);
        Assert.Equal(2 * source.Layers.Count, tensors.Length);
        var byName = tensors.ToDictionary(t => t.SingleString(TensorName));
        foreach (DenseLayerInfo layer in source.Layers)
        {
            WireMessage w = byName[layer.Name + ".weight"], b = byName[layer.Name + ".bias"];
            Assert.Equal([layer.InputSize, layer.Units], w.Int64s(TensorDims));
            Assert.Equal([layer.Units], b.Int64s(TensorDims));
            Assert.Equal(1, w.SingleInt64(TensorDataType)); // FLOAT
            Assert.Equal(1, b.SingleInt64(TensorDataType));
            Assert.Equal(LittleEndian(source.Parameters.AsSpan(layer.WeightsOffset, layer.InputSize * layer.Units)), Assert.Single(w.Bytes(TensorRawData)));
            Assert.Equal(LittleEndian(source.Parameters.AsSpan(layer.BiasesOffset, layer.Units)), Assert.Single(b.Bytes(TensorRawData)));
        }
    }

    [Fact]
    public void Input_and_output_are_float_matrices_with_a_symbolic_batch_dimension()
    {
        (WireMessage model, _) = Export(nameof(MnistMlp));
        WireMessage graph = model.Message(ModelGraph);
        AssertFloatMatrix(graph.Message(GraphInput), "input", 784);
        AssertFloatMatrix(graph.Message(GraphOutput), "output", 10);
    }

    // ValueInfoProto { name = 1, type = 2 { tensor_type = 1 { elem_type = 1, shape = 2 { dim = 1 { dim_value = 1 | dim_param = 2 } } } } }
    private static void AssertFloatMatrix(WireMessage value, string name, long features)
    {
        Assert.Equal(name, value.SingleString(1));
        WireMessage tensorType = value.Message(2).Message(1);
        Assert.Equal(1, tensorType.SingleInt64(1));
        WireMessage[] dims = tensorType.Message(2).Messages(1);
        Assert.Equal(2, dims.Length);
        Assert.Equal("batch", dims[0].SingleString(2));
        Assert.False(dims[0].Has(1));
        Assert.Equal(features, dims[1].SingleInt64(1));
    }

    private static byte[] LittleEndian(ReadOnlySpan<float> values)
    {
        var bytes = new byte[values.Length * 4];
        for (int i = 0; i < values.Length; i++)
            System.Buffers.Binary.BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * 4), values[i]);
        return bytes;
    }
}
