using System.Reflection;
using ModelGen.Serialization;

namespace ModelGen.Export;

/// <summary>
/// Writes a generated model as an ONNX graph that ONNX Runtime (and any ONNX tool) can run, in inference mode. The
/// input "input" is float [batch, n] for a flat model and [batch, H, W, C] (channels-last, as ModelGen takes it) for
/// an image model; the output "output" is the last layer's, [batch, units] (or a channels-last image). Layers read
/// the layers their <see cref="LayerInfo.Inputs"/> name (by default the one before), so chains and graphs both export.
/// Per layer: a dense layer is a Gemm (A = its input, B = the weights [inputs, units] as stored, so transB = 0,
/// C = the biases) and its activation (Relu, LeakyRelu, Sigmoid, Tanh, Softmax over the last axis, Clip(0, 6) for
/// ReLU6, or nothing for Identity); a convolution is a Conv on channels-first data (weights [filters, C, kh, kw],
/// explicit pads) and its activation; a depthwise convolution a Conv with group = C (weights [C·M, 1, kh, kw]); max
/// and average pooling are MaxPool and AveragePool (count_include_pad as the layer says); global average pooling is
/// GlobalAveragePool then Flatten; batch normalization is BatchNormalization with the running statistics from the
/// state; Add is Add (a chain of them for three or more inputs), Concatenate a Concat on axis 1 (channels); an
/// Activation layer is its activation's node; a flatten is a Flatten of the channels-last image; dropout is nothing.
/// A tensor is transposed to channels-first (or back, or flattened) only where a layer needs it in another layout,
/// once however many layers read it, so a chain has one Transpose before the first Conv or pooling and one back before
/// a flatten. Weights are initializers named like the safetensors tensors ("Hidden.weight", "Norm.running_mean").
/// </summary>
public static class OnnxExporter
{
    /// <summary>
    /// ONNX IR version 8 goes with opset 17 (ONNX 1.12); every ONNX Runtime since 1.12 reads it, and
    /// each operator used here has had its current semantics since opset 13 or earlier.
    /// </summary>
    public const long IrVersion = 8;

    /// <summary>The version of the default ("ai.onnx") operator set the graph imports.</summary>
    public const long OpsetVersion = 17;

    /// <summary>The graph's input name.</summary>
    public const string InputName = "input";

    /// <summary>The graph's output name.</summary>
    public const string OutputName = "output";

    /// <summary>The symbolic name of the batch dimension of the input and output.</summary>
    public const string BatchDimension = "batch";

    /// <summary>The producer_name written into every file.</summary>
    public const string ProducerName = "ModelGen";

    /// <summary>
    /// Writes the network described by <paramref name="layers"/>, with the values in
    /// <paramref name="parameters"/>, to <paramref name="path"/> atomically (an existing file is replaced
    /// whole or left as it was); creates the folder if it is missing. For a network without state (no batch
    /// normalization); see the overload with state.
    /// </summary>
    /// <param name="path">The .onnx file.</param>
    /// <param name="modelName">The graph's name, e.g. the model class's.</param>
    /// <param name="inputShape">One sample's input: a flat vector or a channels-last image.</param>
    /// <param name="layers">The layers in order, as generated models list them.</param>
    /// <param name="parameters">The parameter buffer the layers' offsets point into.</param>
    /// <exception cref="ArgumentException">The layers do not fit together or with <paramref name="inputShape"/>, do not fit
    /// <paramref name="parameters"/>, or need state (a batch normalization); the message names the layer.</exception>
    /// <exception cref="NotSupportedException">A layer is of a kind this exporter does not know.</exception>
    public static void Write(string path, string modelName, TensorShape inputShape, IReadOnlyList<LayerInfo> layers, ReadOnlySpan<float> parameters) =>
        Write(path, modelName, inputShape, layers, parameters, []);

    /// <summary>
    /// Writes the network described by <paramref name="layers"/> (a chain, or a graph through each layer's
    /// <see cref="LayerInfo.Inputs"/>), with the trained <paramref name="parameters"/> and the non-trainable
    /// <paramref name="state"/> (batch normalization's running statistics), to <paramref name="path"/> atomically (an
    /// existing file is replaced whole or left as it was); creates the folder if it is missing. The graph computes
    /// the network in inference mode.
    /// </summary>
    /// <param name="path">The .onnx file.</param>
    /// <param name="modelName">The graph's name, e.g. the model class's.</param>
    /// <param name="input">One sample's input: a flat vector or a channels-last image.</param>
    /// <param name="layers">The layers in order, as generated models list them; the output is the last layer's.</param>
    /// <param name="parameters">The parameter buffer the layers' offsets point into.</param>
    /// <param name="state">The state buffer the batch normalizations' running statistics offsets point into.</param>
    /// <exception cref="ArgumentException">A layer reads a layer that does not come before it, its inputs do not fit it,
    /// or its parameters or state do not fit their buffers; the message names the layer.</exception>
    /// <exception cref="NotSupportedException">A layer is of a kind this exporter does not know.</exception>
    public static void Write(string path, string modelName, TensorShape input, IReadOnlyList<LayerInfo> layers, ReadOnlySpan<float> parameters,
        ReadOnlySpan<float> state)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ProtobufWriter model = Encode(modelName, input, layers, parameters, state);
        AtomicFile.Write(path, stream => stream.Write(model.WrittenSpan));
    }

    /// <summary>Writes a model whose input is a flat vector of <paramref name="inputSize"/> values; see the <see cref="TensorShape"/> overload.</summary>
    public static void Write(string path, string modelName, int inputSize, IReadOnlyList<LayerInfo> layers, ReadOnlySpan<float> parameters) =>
        Write(path, modelName, TensorShape.Flat(inputSize), layers, parameters);

    /// <summary>The ONNX file's bytes, as <see cref="Write(string, string, TensorShape, IReadOnlyList{LayerInfo}, ReadOnlySpan{float})"/> would write them.</summary>
    public static byte[] ToBytes(string modelName, TensorShape inputShape, IReadOnlyList<LayerInfo> layers, ReadOnlySpan<float> parameters) =>
        ToBytes(modelName, inputShape, layers, parameters, []);

    /// <summary>The ONNX file's bytes, as <see cref="Write(string, string, TensorShape, IReadOnlyList{LayerInfo}, ReadOnlySpan{float}, ReadOnlySpan{float})"/> would write them.</summary>
    public static byte[] ToBytes(string modelName, TensorShape inputShape, IReadOnlyList<LayerInfo> layers, ReadOnlySpan<float> parameters, ReadOnlySpan<float> state) =>
        Encode(modelName, inputShape, layers, parameters, state).WrittenSpan.ToArray();

    /// <summary>The ONNX file's bytes for a model whose input is a flat vector of <paramref name="inputSize"/> values.</summary>
    public static byte[] ToBytes(string modelName, int inputSize, IReadOnlyList<LayerInfo> layers, ReadOnlySpan<float> parameters) =>
        ToBytes(modelName, TensorShape.Flat(inputSize), layers, parameters);

    private static ProtobufWriter Encode(string modelName, TensorShape inputShape, IReadOnlyList<LayerInfo> layers, ReadOnlySpan<float> parameters,
        ReadOnlySpan<float> state)
    {
        ArgumentException.ThrowIfNullOrEmpty(modelName);
        ArgumentNullException.ThrowIfNull(layers);
        int[][] sources = OnnxLayerChecks.Check(modelName, inputShape, layers, parameters.Length, state.Length);

        var graph = new OnnxGraph(InputName, inputShape);
        for (int i = 0; i < layers.Count; i++)
        {
            OnnxValue[] inputs = sources[i].Select(source => source == OnnxLayerChecks.NetworkInput ? graph.Input : graph.Output(layers[source].Name)).ToArray();
            graph.SetOutput(layers[i].Name, OnnxLayers.Add(graph, layers[i], inputs, parameters, state));
        }
        // An image output leaves the graph channels-last, as ModelGen gives it.
        TensorShape outputShape = layers[^1].Output;
        OnnxValue last = graph.Output(layers[^1].Name);
        string result = graph.As(last, outputShape.IsImage ? TensorLayoutKind.ChannelsLast : TensorLayoutKind.Flat, layers[^1].Name);

        var model = new ProtobufWriter();
        model.WriteInt64(OnnxProto.Model.IrVersion, IrVersion);
        model.WriteString(OnnxProto.Model.ProducerName, ProducerName);
        model.WriteString(OnnxProto.Model.ProducerVersion, ProducerVersion());
        model.WriteString(OnnxProto.Model.DocString, Description(modelName, inputShape, layers));
        model.WriteMessage(OnnxProto.Model.Graph, graph.Finish(modelName, result, OutputName, Value(InputName, inputShape), Value(OutputName, outputShape)));
        model.WriteMessage(OnnxProto.Model.OpsetImport, OnnxProto.OperatorSet("", OpsetVersion));
        return model;
    }

    // [batch, n] for a flat vector, [batch, H, W, C] for an image.
    private static ProtobufWriter Value(string name, TensorShape shape) => shape.IsImage
        ? OnnxProto.FloatTensorValue(name, BatchDimension, [shape.Height, shape.Width, shape.Channels])
        : OnnxProto.FloatMatrixValue(name, BatchDimension, shape.Size);

    private static string Description(string modelName, TensorShape inputShape, IReadOnlyList<LayerInfo> layers)
    {
        if (layers.All(layer => layer is DenseLayerInfo))
            return "The ModelGen model " + modelName + ": " + layers.Count + " dense layer(s), y = activation(x·W + b).";
        string kinds = string.Join(", ", layers.Select(layer => layer.GetType().Name.Replace("LayerInfo", "", StringComparison.Ordinal)));
        string input = inputShape.IsImage ? $"; input images channels-last [batch, {inputShape.Height}, {inputShape.Width}, {inputShape.Channels}]" : "";
        return $"The ModelGen model {modelName}: {layers.Count} layers ({kinds}){input}.";
    }

    private static string ProducerVersion() =>
        typeof(OnnxExporter).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
        ?? typeof(OnnxExporter).Assembly.GetName().Version?.ToString() ?? "0";
}
