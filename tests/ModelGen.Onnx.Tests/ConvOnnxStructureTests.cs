using ModelGen.Export;
using ModelGen.Onnx.Tests.Harness;

namespace ModelGen.Onnx.Tests;

/// <summary>The exported graph of image models, decoded with the test's own protobuf reader: nodes, attributes, weights.</summary>
public sealed class ConvOnnxStructureTests
{
    private const int GraphNode = 1, GraphInitializer = 5, GraphInput = 11, ModelGraph = 7;
    private const int NodeInput = 1, NodeOutput = 2, NodeOpType = 4, NodeAttribute = 5;
    private const int AttributeName = 1, AttributeInts = 8, AttributeType = 20;
    private const int TensorDims = 1, TensorName = 8, TensorRawData = 9;

    private static WireMessage Graph(LayerListModel model) =>
        WireMessage.Parse(OnnxExporter.ToBytes("Net", model.Input, model.Layers, model.Parameters)).Message(ModelGraph);

    private static long[] Ints(WireMessage node, string attribute)
    {
        WireMessage found = Assert.Single(node.Messages(NodeAttribute), a => a.SingleString(AttributeName) == attribute);
        Assert.Equal(7, found.SingleInt64(AttributeType)); // INTS
        return found.Int64s(AttributeInts);
    }

    [Fact]
    public void One_transpose_to_channels_first_before_the_first_conv_and_one_back_before_the_flatten()
    {
        WireMessage[] nodes = Graph(ConvOnnxRuntimeTests.Create("same-stride-2").Randomize(1)).Messages(GraphNode);
        Assert.Equal(
            ["Transpose", "Conv", "LeakyRelu", "MaxPool", "Conv", "Tanh", "Transpose", "Flatten", "Gemm", "Sigmoid", "Gemm"],
            nodes.Select(n => n.SingleString(NodeOpType)).ToArray());
        Assert.Equal([0, 3, 1, 2], Ints(nodes[0], "perm"));
        Assert.Equal([0, 2, 3, 1], Ints(nodes[6], "perm"));

        string previous = "input";
        foreach (WireMessage node in nodes)
        {
            Assert.Equal(previous, node.Strings(NodeInput)[0]);
            previous = node.SingleString(NodeOutput);
        }
        Assert.Equal("output", previous);
    }

    [Fact]
    public void Conv_and_MaxPool_carry_kernel_strides_and_explicit_pads_with_the_odd_pixel_at_the_bottom_or_right()
    {
        WireMessage[] nodes = Graph(ConvOnnxRuntimeTests.Create("same-stride-2").Randomize(1)).Messages(GraphNode);
        // Down: 17×13, 3×2 kernel, stride 2, Same → 9×7; rows pad 2 (1 + 1), columns pad 1 (0 + 1).
        Assert.Equal([3, 2], Ints(nodes[1], "kernel_shape"));
        Assert.Equal([2, 2], Ints(nodes[1], "strides"));
        Assert.Equal([1, 0, 1, 1], Ints(nodes[1], "pads"));
        // Pool: 9×7, 3×2 window, stride 2, Same → 5×4; rows pad 2 (1 + 1), columns pad 1 (0 + 1).
        Assert.Equal([3, 2], Ints(nodes[3], "kernel_shape"));
        Assert.Equal([2, 2], Ints(nodes[3], "strides"));
        Assert.Equal([1, 0, 1, 1], Ints(nodes[3], "pads"));
        // Valid padding pads nothing, even where a column is left over (pooling 12 columns with a 3×3 window, stride 2).
        WireMessage[] valid = Graph(ConvOnnxRuntimeTests.Create("valid").Randomize(1)).Messages(GraphNode);
        Assert.Equal([0, 0, 0, 0], Ints(valid[1], "pads"));
        Assert.Equal([0, 0, 0, 0], Ints(valid[3], "pads"));
    }

    [Fact]
    public void Conv_weights_are_an_initializer_in_ONNXs_out_in_kh_kw_layout()
    {
        LayerListModel model = ConvOnnxRuntimeTests.Create("valid").Randomize(2);
        var conv = (Conv2DLayerInfo)model.Layers[0];
        WireMessage weights = Assert.Single(Graph(model).Messages(GraphInitializer), t => t.SingleString(TensorName) == "Conv.weight");
        Assert.Equal([4, 3, 3, 2], weights.Int64s(TensorDims)); // [filters, channels, kh, kw]

        byte[] raw = Assert.Single(weights.Bytes(TensorRawData));
        for (int o = 0; o < 4; o++)
            for (int i = 0; i < 3; i++)
                for (int y = 0; y < 3; y++)
                    for (int x = 0; x < 2; x++)
                    {
                        float exported = BitConverter.ToSingle(raw, 4 * (((o * 3 + i) * 3 + y) * 2 + x));
                        Assert.Equal(model.Parameters[conv.WeightsOffset + ((y * 2 + x) * 3 + i) * 4 + o], exported);
                    }
    }

    [Fact]
    public void An_image_input_is_declared_batch_by_height_by_width_by_channels()
    {
        WireMessage input = Graph(ConvOnnxRuntimeTests.Create("valid").Randomize(1)).Message(GraphInput);
        WireMessage[] dims = input.Message(2).Message(1).Message(2).Messages(1);
        Assert.Equal("batch", dims[0].SingleString(2));
        Assert.Equal([17L, 13L, 3L], dims.Skip(1).Select(d => d.SingleInt64(1)).ToArray());
    }

    [Fact]
    public void Dropout_writes_no_node()
    {
        WireMessage[] nodes = Graph(ConvOnnxRuntimeTests.Create("flat-dropout").Randomize(1)).Messages(GraphNode);
        Assert.Equal(["Gemm", "Relu", "Gemm", "Softmax"], nodes.Select(n => n.SingleString(NodeOpType)).ToArray());
        Assert.Equal("output", nodes[^1].SingleString(NodeOutput));
    }
}
