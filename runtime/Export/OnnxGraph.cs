namespace ModelGen.Export;

/// <summary>
/// The ONNX graph as it is built, layer by layer: its nodes and initializers, and a value table that gives each
/// layer's output as an ONNX tensor and its layout. Images enter channels-last, as ModelGen takes them; ONNX's
/// Conv, pooling and BatchNormalization want channels-first, so a layer asks for each of its inputs in the layout
/// it needs (<see cref="As"/>), and the graph transposes or flattens a tensor only where the layout must change,
/// once per tensor and layout however many layers read it.
/// </summary>
internal sealed class OnnxGraph
{
    private readonly List<Node> _nodes = [];
    private readonly List<ProtobufWriter> _initializers = [];
    private readonly HashSet<string> _tensorNames = new(StringComparer.Ordinal);
    private readonly HashSet<string> _nodeNames = new(StringComparer.Ordinal);
    private readonly Dictionary<string, OnnxValue> _outputs = new(StringComparer.Ordinal);

    public OnnxGraph(string input, TensorShape inputShape)
    {
        _tensorNames.Add(input);
        Input = new OnnxValue(input, inputShape.IsImage ? TensorLayoutKind.ChannelsLast : TensorLayoutKind.Flat);
    }

    /// <summary>The network input: [batch, n] or a channels-last image.</summary>
    public OnnxValue Input { get; }

    /// <summary>The output of the layer <paramref name="layer"/>, as <see cref="SetOutput"/> recorded it.</summary>
    public OnnxValue Output(string layer) => _outputs[layer];

    /// <summary>Records <paramref name="value"/> as the output of <paramref name="layer"/> (a layer that does nothing in inference passes its input's value).</summary>
    public void SetOutput(string layer, OnnxValue value) => _outputs.Add(layer, value);

    /// <summary>
    /// Appends a node reading <paramref name="inputs"/> and writing <paramref name="output"/> (made unique with a
    /// ".2", ".3", ... suffix if the name is taken, as is the node's name); returns the name of the tensor it writes.
    /// </summary>
    public string Add(string name, string opType, string[] inputs, string output, params ProtobufWriter[] attributes)
    {
        string tensor = Unique(_tensorNames, output);
        _nodes.Add(new Node(Unique(_nodeNames, name), opType, inputs, tensor, attributes));
        return tensor;
    }

    /// <summary>Adds a float initializer.</summary>
    public void AddInitializer(string name, ReadOnlySpan<long> dims, ReadOnlySpan<float> values)
    {
        _tensorNames.Add(name);
        _initializers.Add(OnnxProto.FloatTensor(name, dims, values));
    }

    /// <summary>
    /// The tensor of <paramref name="value"/> in <paramref name="layout"/>: itself, or a Transpose (channels-last ↔
    /// channels-first) or a Flatten of its channels-last form (the order ModelGen flattens images in), added the
    /// first time any layer asks and named after that layer, <paramref name="consumer"/>.
    /// </summary>
    public string As(OnnxValue value, TensorLayoutKind layout, string consumer)
    {
        if (value.TryGet(layout, out string? tensor)) return tensor;
        if (value.Layout == TensorLayoutKind.Flat)
            throw new InvalidOperationException($"Layer '{consumer}' reads a flat tensor as an image."); // OnnxLayerChecks rules this out
        tensor = layout switch
        {
            TensorLayoutKind.ChannelsFirst => Add(consumer + ".to_nchw", "Transpose", [As(value, TensorLayoutKind.ChannelsLast, consumer)], consumer + ".nchw",
                OnnxProto.IntsAttribute("perm", 0, 3, 1, 2)),
            TensorLayoutKind.ChannelsLast => Add(consumer + ".to_nhwc", "Transpose", [As(value, TensorLayoutKind.ChannelsFirst, consumer)], consumer + ".nhwc",
                OnnxProto.IntsAttribute("perm", 0, 2, 3, 1)),
            _ => Add(consumer + ".flatten", "Flatten", [As(value, TensorLayoutKind.ChannelsLast, consumer)], consumer + ".flat", OnnxProto.IntAttribute("axis", 1)),
        };
        value.Set(layout, tensor);
        return tensor;
    }

    /// <summary>
    /// Writes the nodes, <paramref name="name"/> and the initializers into a GraphProto whose output
    /// <paramref name="output"/> is the tensor <paramref name="result"/>: the node that writes it writes
    /// <paramref name="output"/> instead (and its readers read that), or, when it is the graph input (e.g. a lone
    /// Dropout), an Identity node copies it.
    /// </summary>
    public ProtobufWriter Finish(string name, string result, string output, ProtobufWriter inputValue, ProtobufWriter outputValue)
    {
        if (result == Input.Tensor || !_nodes.Any(node => node.Output == result))
            Add(output + ".identity", "Identity", [result], output);
        else
            for (int i = 0; i < _nodes.Count; i++)
            {
                Node node = _nodes[i];
                _nodes[i] = node with
                {
                    Inputs = node.Inputs.Select(input => input == result ? output : input).ToArray(),
                    Output = node.Output == result ? output : node.Output,
                };
            }

        var graph = new ProtobufWriter();
        foreach (Node node in _nodes)
            graph.WriteMessage(OnnxProto.Graph.Node, OnnxProto.Node(node.Name, node.OpType, node.Inputs, node.Output, node.Attributes));
        graph.WriteString(OnnxProto.Graph.Name, name);
        foreach (ProtobufWriter initializer in _initializers) graph.WriteMessage(OnnxProto.Graph.Initializer, initializer);
        graph.WriteMessage(OnnxProto.Graph.Input, inputValue);
        graph.WriteMessage(OnnxProto.Graph.Output, outputValue);
        return graph;
    }

    private static string Unique(HashSet<string> taken, string name)
    {
        string unique = name;
        for (int n = 2; !taken.Add(unique); n++) unique = name + "." + n;
        return unique;
    }

    // Held until Finish, because only then is it known which node writes the graph output.
    private sealed record Node(string Name, string OpType, string[] Inputs, string Output, ProtobufWriter[] Attributes);
}

/// <summary>
/// One layer's output in the ONNX graph: the tensor a node wrote, its layout, and the converted copies (transposed
/// or flattened) made so far for layers that read it in another layout.
/// </summary>
internal sealed class OnnxValue
{
    private readonly Dictionary<TensorLayoutKind, string> _tensors = [];

    public OnnxValue(string tensor, TensorLayoutKind layout)
    {
        Tensor = tensor;
        Layout = layout;
        _tensors.Add(layout, tensor);
    }

    /// <summary>The tensor as written.</summary>
    public string Tensor { get; }

    /// <summary>How <see cref="Tensor"/> is laid out.</summary>
    public TensorLayoutKind Layout { get; }

    /// <summary>Whether the value is an image (channels-last or channels-first), not a flat vector.</summary>
    public bool IsImage => Layout != TensorLayoutKind.Flat;

    public bool TryGet(TensorLayoutKind layout, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out string? tensor) =>
        _tensors.TryGetValue(layout, out tensor);

    public void Set(TensorLayoutKind layout, string tensor) => _tensors.Add(layout, tensor);
}

/// <summary>How a tensor between ONNX nodes is laid out (besides its leading batch dimension).</summary>
internal enum TensorLayoutKind
{
    /// <summary>[batch, features].</summary>
    Flat,

    /// <summary>[batch, H, W, C], ModelGen's order.</summary>
    ChannelsLast,

    /// <summary>[batch, C, H, W], ONNX's order for Conv, pooling and BatchNormalization.</summary>
    ChannelsFirst,
}
