namespace ModelGen.Export;

/// <summary>
/// The ONNX graph as it is built, layer by layer: its nodes and initializers, the name of the tensor the
/// last node produced and how that tensor is laid out. Images enter channels-last, as ModelGen takes them;
/// ONNX's Conv and MaxPool want channels-first, so the graph transposes only where the layout must change.
/// </summary>
internal sealed class OnnxGraph
{
    private readonly List<Node> _nodes = [];
    private readonly List<ProtobufWriter> _initializers = [];

    public OnnxGraph(string input, TensorShape inputShape)
    {
        Current = input;
        Layout = inputShape.IsImage ? TensorLayoutKind.ChannelsLast : TensorLayoutKind.Flat;
    }

    /// <summary>The tensor the next node reads.</summary>
    public string Current { get; private set; }

    /// <summary>How <see cref="Current"/> is laid out.</summary>
    public TensorLayoutKind Layout { get; private set; }

    /// <summary>Appends a node reading <paramref name="inputs"/> and writing <paramref name="output"/>, which becomes <see cref="Current"/>.</summary>
    public void Add(string name, string opType, string[] inputs, string output, params ProtobufWriter[] attributes)
    {
        _nodes.Add(new Node(name, opType, inputs, output, attributes));
        Current = output;
    }

    /// <summary>Adds a float initializer.</summary>
    public void AddInitializer(string name, ReadOnlySpan<long> dims, ReadOnlySpan<float> values) =>
        _initializers.Add(OnnxProto.FloatTensor(name, dims, values));

    /// <summary>Makes <see cref="Current"/> a channels-first [batch, C, H, W] image, for Conv and MaxPool.</summary>
    public void EnsureChannelsFirst(string layer)
    {
        if (Layout == TensorLayoutKind.ChannelsFirst) return;
        Add(layer + ".to_nchw", "Transpose", [Current], layer + ".nchw", OnnxProto.IntsAttribute("perm", 0, 3, 1, 2));
        Layout = TensorLayoutKind.ChannelsFirst;
    }

    /// <summary>Makes <see cref="Current"/> a channels-last [batch, H, W, C] image: the order ModelGen flattens and outputs images in.</summary>
    public void EnsureChannelsLast(string layer)
    {
        if (Layout != TensorLayoutKind.ChannelsFirst) return;
        Add(layer + ".to_nhwc", "Transpose", [Current], layer + ".nhwc", OnnxProto.IntsAttribute("perm", 0, 2, 3, 1));
        Layout = TensorLayoutKind.ChannelsLast;
    }

    /// <summary>Makes <see cref="Current"/> a [batch, features] matrix, flattening a channels-last image if it is one.</summary>
    public void EnsureFlat(string layer)
    {
        if (Layout == TensorLayoutKind.Flat) return;
        EnsureChannelsLast(layer);
        Add(layer + ".flatten", "Flatten", [Current], layer + ".flat", OnnxProto.IntAttribute("axis", 1));
        Layout = TensorLayoutKind.Flat;
    }

    /// <summary>
    /// Writes the nodes, <paramref name="name"/> and the initializers into a GraphProto, the last node writing
    /// <paramref name="output"/> (an Identity node if no layer wrote anything, e.g. a lone Dropout).
    /// </summary>
    public ProtobufWriter Finish(string name, string output, ProtobufWriter inputValue, ProtobufWriter outputValue)
    {
        if (_nodes.Count == 0) Add(output + ".identity", "Identity", [Current], output);
        _nodes[^1] = _nodes[^1] with { Output = output };

        var graph = new ProtobufWriter();
        foreach (Node node in _nodes)
            graph.WriteMessage(OnnxProto.Graph.Node, OnnxProto.Node(node.Name, node.OpType, node.Inputs, node.Output, node.Attributes));
        graph.WriteString(OnnxProto.Graph.Name, name);
        foreach (ProtobufWriter initializer in _initializers) graph.WriteMessage(OnnxProto.Graph.Initializer, initializer);
        graph.WriteMessage(OnnxProto.Graph.Input, inputValue);
        graph.WriteMessage(OnnxProto.Graph.Output, outputValue);
        return graph;
    }

    // Held until Finish, because only then is it known which node writes the graph output.
    private sealed record Node(string Name, string OpType, string[] Inputs, string Output, ProtobufWriter[] Attributes);
}

/// <summary>How a tensor between ONNX nodes is laid out (besides its leading batch dimension).</summary>
internal enum TensorLayoutKind
{
    /// <summary>[batch, features].</summary>
    Flat,

    /// <summary>[batch, H, W, C], ModelGen's order.</summary>
    ChannelsLast,

    /// <summary>[batch, C, H, W], ONNX's order for Conv and MaxPool.</summary>
    ChannelsFirst,
}
