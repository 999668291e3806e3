using ModelGen.Export;
using ModelGen.Onnx.Tests.Harness;

namespace ModelGen.Onnx.Tests;

/// <summary>The exported graphs, decoded with the test's own protobuf reader: node types, wiring, attributes, initializers.</summary>
public sealed class GraphOnnxStructureTests
{
    private const int ModelGraph = 7, GraphNode = 1, GraphInitializer = 5;
    private const int NodeInput = 1, NodeOutput = 2, NodeOpType = 4, NodeAttribute = 5;
    private const int AttributeName = 1, AttributeFloat = 2, AttributeInt = 3, AttributeInts = 8;
    private const int TensorDims = 1, TensorName = 8, TensorRawData = 9;

    private static WireMessage Graph(GraphModel model) =>
        WireMessage.Parse(OnnxExporter.ToBytes("Graph", model.Input, model.Layers, model.Parameters, model.State)).Message(ModelGraph);

    private static GraphModel Model(string name) => GraphOnnxRuntimeTests.Create(name).Model.Randomize(1);

    private static string[] OpTypes(WireMessage[] nodes) => nodes.Select(n => n.SingleString(NodeOpType)).ToArray();

    private static WireMessage Attribute(WireMessage node, string name) =>
        Assert.Single(node.Messages(NodeAttribute), a => a.SingleString(AttributeName) == name);

    private static WireMessage Initializer(WireMessage graph, string name) =>
        Assert.Single(graph.Messages(GraphInitializer), t => t.SingleString(TensorName) == name);

    private static float[] Floats(WireMessage tensor)
    {
        byte[] raw = Assert.Single(tensor.Bytes(TensorRawData));
        return Enumerable.Range(0, raw.Length / 4).Select(i => BitConverter.ToSingle(raw, 4 * i)).ToArray();
    }

    [Fact]
    public void A_residual_block_is_one_transpose_in_the_chain_of_its_nodes_an_Add_of_the_two_paths_and_one_back()
    {
        WireMessage[] nodes = Graph(Model("residual")).Messages(GraphNode);
        Assert.Equal(["Transpose", "Conv", "Relu", "Conv", "BatchNormalization", "Relu", "Conv", "BatchNormalization", "Add", "Relu", "Transpose"], OpTypes(nodes));
        Assert.Equal(["Norm2.y", "Stem.y"], nodes[8].Strings(NodeInput));
        Assert.Equal("Stem.y", nodes[3].Strings(NodeInput)[0]); // the block reads the stem, as the sum does
        Assert.Equal("output", nodes[^1].SingleString(NodeOutput));
        Assert.Equal([0L, 2, 3, 1], Attribute(nodes[^1], "perm").Int64s(AttributeInts));
    }

    [Fact]
    public void An_input_read_by_two_layers_is_transposed_once()
    {
        WireMessage[] nodes = Graph(Model("projection")).Messages(GraphNode);
        WireMessage transpose = Assert.Single(nodes, n => n.Strings(NodeInput).Contains("input"));
        Assert.Equal("Transpose", transpose.SingleString(NodeOpType));
        string nchw = transpose.SingleString(NodeOutput);
        WireMessage[] readers = nodes.Where(n => n.Strings(NodeInput).Contains(nchw)).ToArray();
        Assert.Equal(["Conv", "Conv"], OpTypes(readers)); // Conv1 and the shortcut
        Assert.Equal(2, nodes.Count(n => n.SingleString(NodeOpType) == "Transpose")); // in, and out at the end
    }

    [Fact]
    public void A_depthwise_convolution_is_a_Conv_with_one_group_per_channel_and_weights_C_times_M_by_1_by_kh_by_kw()
    {
        GraphModel model = Model("depthwise-multiplier");
        var layer = (DepthwiseConv2DLayerInfo)model.Layers[0];
        WireMessage graph = Graph(model);
        WireMessage conv = Assert.Single(graph.Messages(GraphNode), n => n.SingleString(NodeOpType) == "Conv");
        Assert.Equal(3, Attribute(conv, "group").SingleInt64(AttributeInt));
        Assert.Equal([3L, 2], Attribute(conv, "kernel_shape").Int64s(AttributeInts));
        Assert.Equal([2L, 2], Attribute(conv, "strides").Int64s(AttributeInts));
        Assert.Equal([1L, 0, 1, 0], Attribute(conv, "pads").Int64s(AttributeInts)); // 9×8, 3×2, stride 2, Same: rows 1 + 1, columns none (4 windows fit 8)

        WireMessage weights = Initializer(graph, "Depthwise.weight");
        Assert.Equal([6L, 1, 3, 2], weights.Int64s(TensorDims));
        float[] exported = Floats(weights);
        for (int c = 0; c < 3; c++)
            for (int m = 0; m < 2; m++)
                for (int y = 0; y < 3; y++)
                    for (int x = 0; x < 2; x++)
                        Assert.Equal(model.Parameters[layer.WeightsOffset + ((y * 2 + x) * 3 + c) * 2 + m], exported[((c * 2 + m) * 3 + y) * 2 + x]);
        Assert.Equal([6L], Initializer(graph, "Depthwise.bias").Int64s(TensorDims));
    }

    [Fact]
    public void A_plain_convolution_has_no_group_attribute() =>
        Assert.All(Graph(Model("residual")).Messages(GraphNode).Where(n => n.SingleString(NodeOpType) == "Conv"),
            conv => Assert.DoesNotContain(conv.Messages(NodeAttribute), a => a.SingleString(AttributeName) == "group"));

    [Fact]
    public void ReLU6_is_a_Clip_whose_bounds_are_scalar_initializers_0_and_6()
    {
        WireMessage graph = Graph(Model("relu6"));
        WireMessage[] clips = graph.Messages(GraphNode).Where(n => n.SingleString(NodeOpType) == "Clip").ToArray();
        Assert.Equal(2, clips.Length); // the Activation layer and the convolution's activation
        foreach (WireMessage clip in clips)
        {
            string[] inputs = clip.Strings(NodeInput);
            Assert.Equal(3, inputs.Length);
            Assert.Empty(clip.Messages(NodeAttribute)); // no opset-6 min/max attributes
            WireMessage min = Initializer(graph, inputs[1]), max = Initializer(graph, inputs[2]);
            Assert.Empty(min.Int64s(TensorDims));
            Assert.Empty(max.Int64s(TensorDims));
            Assert.Equal([0f], Floats(min));
            Assert.Equal([6f], Floats(max));
        }
        Assert.Equal("input", clips[0].Strings(NodeInput)[0]); // an element-wise layer reads the channels-last input as it is
    }

    [Fact]
    public void Batch_normalization_reads_gamma_beta_and_the_running_statistics_with_its_epsilon()
    {
        GraphModel model = Model("residual");
        var norm = (BatchNormalizationLayerInfo)model.Layers.Single(layer => layer.Name == "Norm1");
        WireMessage graph = Graph(model);
        WireMessage node = graph.Messages(GraphNode).First(n => n.SingleString(NodeOpType) == "BatchNormalization");
        Assert.Equal(["Conv1.z", "Norm1.weight", "Norm1.bias", "Norm1.running_mean", "Norm1.running_var"], node.Strings(NodeInput));
        Assert.Equal(1e-3f, Attribute(node, "epsilon").SingleFloat(AttributeFloat));
        Assert.DoesNotContain(node.Messages(NodeAttribute), a => a.SingleString(AttributeName) == "training_mode");
        Assert.Equal(model.Parameters.AsSpan(norm.WeightsOffset, 4).ToArray(), Floats(Initializer(graph, "Norm1.weight")));
        Assert.Equal(model.Parameters.AsSpan(norm.BiasesOffset, 4).ToArray(), Floats(Initializer(graph, "Norm1.bias")));
        Assert.Equal(model.State.AsSpan(norm.RunningMeanOffset, 4).ToArray(), Floats(Initializer(graph, "Norm1.running_mean")));
        Assert.Equal(model.State.AsSpan(norm.RunningVarianceOffset, 4).ToArray(), Floats(Initializer(graph, "Norm1.running_var")));
        Assert.Equal([4L], Initializer(graph, "Norm1.running_var").Int64s(TensorDims));
    }

    [Theory]
    [InlineData("average-valid", 0, new long[] { 3, 3 }, new long[] { 0, 0, 0, 0 })]
    [InlineData("average-same-keras", 0, new long[] { 3, 2 }, new long[] { 1, 0, 1, 1 })]
    [InlineData("average-same-pytorch", 1, new long[] { 3, 2 }, new long[] { 1, 0, 1, 1 })]
    public void Average_pooling_carries_its_window_pads_and_count_include_pad(string name, long countIncludePad, long[] kernel, long[] pads)
    {
        WireMessage[] nodes = Graph(Model(name)).Messages(GraphNode);
        Assert.Equal(["Transpose", "AveragePool", "Transpose"], OpTypes(nodes));
        Assert.Equal(countIncludePad, Attribute(nodes[1], "count_include_pad").SingleInt64(AttributeInt));
        Assert.Equal(kernel, Attribute(nodes[1], "kernel_shape").Int64s(AttributeInts));
        Assert.Equal([2L, 2], Attribute(nodes[1], "strides").Int64s(AttributeInts));
        Assert.Equal(pads, Attribute(nodes[1], "pads").Int64s(AttributeInts));
    }

    [Fact]
    public void Global_average_pooling_is_a_GlobalAveragePool_then_a_Flatten_before_the_Gemm()
    {
        WireMessage[] nodes = Graph(Model("global-average-dense")).Messages(GraphNode);
        Assert.Equal(["Transpose", "Conv", "Relu", "GlobalAveragePool", "Flatten", "Gemm", "Softmax"], OpTypes(nodes));
        Assert.Equal(1, Attribute(nodes[4], "axis").SingleInt64(AttributeInt));
        Assert.Equal(nodes[4].SingleString(NodeOutput), nodes[5].Strings(NodeInput)[0]);
    }

    [Fact]
    public void Concatenate_is_a_Concat_on_axis_1_of_its_inputs_in_order_and_a_three_way_sum_two_Adds()
    {
        WireMessage[] nodes = Graph(Model("concatenate")).Messages(GraphNode);
        WireMessage concat = Assert.Single(nodes, n => n.SingleString(NodeOpType) == "Concat");
        Assert.Equal(1, Attribute(concat, "axis").SingleInt64(AttributeInt));
        // The network input comes channels-first, as transposed once for its first reader (Branch1).
        Assert.Equal(["Branch1.y", "Branch2b.y", "Branch1.nchw"], concat.Strings(NodeInput));
        Assert.Equal("Transpose", Assert.Single(nodes, n => n.SingleString(NodeOutput) == "Branch1.nchw").SingleString(NodeOpType));
    }

    [Fact]
    public void A_flat_graph_sums_three_inputs_with_two_Adds_and_concatenates_on_axis_1()
    {
        WireMessage[] nodes = Graph(Model("flat-graph")).Messages(GraphNode);
        WireMessage[] adds = nodes.Where(n => n.SingleString(NodeOpType) == "Add").ToArray();
        Assert.Equal(2, adds.Length);
        Assert.Equal(["Q.y", "R.z"], adds[0].Strings(NodeInput));
        Assert.Equal([adds[0].SingleString(NodeOutput), "S.y"], adds[1].Strings(NodeInput));
        WireMessage concat = Assert.Single(nodes, n => n.SingleString(NodeOpType) == "Concat");
        Assert.Equal(["Sum3.y", "input", "P.y"], concat.Strings(NodeInput));
        Assert.DoesNotContain(nodes, n => n.SingleString(NodeOpType) is "Transpose" or "Flatten");
    }
}
