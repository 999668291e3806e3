using System.Reflection;
using ModelGen.Serialization;

namespace ModelGen.Export;

/// <summary>
/// Writes a generated model as an ONNX graph that ONNX Runtime (and any ONNX tool) can run:
/// input "input" float [batch, inputSize]; per dense layer a Gemm (A = previous output, B = the weights
/// [inputs, units] as stored, so transB = 0, C = the biases [units]) and then its activation (Relu,
/// LeakyRelu, Sigmoid, Tanh, Softmax over the last axis, or nothing for Identity); output "output" float
/// [batch, outputSize]. Weights are initializers named like the safetensors tensors ("Hidden.weight").
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
    /// whole or left as it was); creates the folder if it is missing.
    /// </summary>
    /// <exception cref="ArgumentException">The layers do not chain from <paramref name="inputSize"/>, or do not fit
    /// <paramref name="parameters"/>; the message names the layer.</exception>
    public static void Write(string path, string modelName, int inputSize, IReadOnlyList<LayerInfo> layers, ReadOnlySpan<float> parameters)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ProtobufWriter model = Encode(modelName, inputSize, layers, parameters);
        AtomicFile.Write(path, stream => stream.Write(model.WrittenSpan));
    }

    /// <summary>Writes the network for an input of <paramref name="inputShape"/>; see the other overload.</summary>
    public static void Write(string path, string modelName, TensorShape inputShape, IReadOnlyList<LayerInfo> layers, ReadOnlySpan<float> parameters) =>
        Write(path, modelName, inputShape.Size, layers, parameters);

    /// <summary>The ONNX file's bytes, as <see cref="Write(string, string, int, IReadOnlyList{LayerInfo}, ReadOnlySpan{float})"/> would write them.</summary>
    public static byte[] ToBytes(string modelName, int inputSize, IReadOnlyList<LayerInfo> layers, ReadOnlySpan<float> parameters) =>
        Encode(modelName, inputSize, layers, parameters).WrittenSpan.ToArray();

    private static ProtobufWriter Encode(string modelName, int inputSize, IReadOnlyList<LayerInfo> layers, ReadOnlySpan<float> parameters)
    {
        ArgumentException.ThrowIfNullOrEmpty(modelName);
        ArgumentNullException.ThrowIfNull(layers);
        CheckLayers(modelName, inputSize, layers, parameters.Length);

        var graph = new ProtobufWriter();
        string previous = InputName;
        for (int i = 0; i < layers.Count; i++)
        {
            var layer = (DenseLayerInfo)layers[i];
            bool last = i == layers.Count - 1;
            string weights = layer.Name + ".weight", biases = layer.Name + ".bias";
            // The Gemm writes the graph output directly when no activation follows it.
            string affine = last && layer.Activation == Activation.Identity ? OutputName : layer.Name + ".z";
            graph.WriteMessage(OnnxProto.Graph.Node, OnnxProto.Node(layer.Name + ".gemm", "Gemm", [previous, weights, biases], affine));
            previous = affine;
            if (ActivationNode(layer, previous, last ? OutputName : layer.Name + ".y") is { } activation)
            {
                graph.WriteMessage(OnnxProto.Graph.Node, activation.Node);
                previous = activation.Output;
            }
        }

        graph.WriteString(OnnxProto.Graph.Name, modelName);
        foreach (DenseLayerInfo layer in layers)
        {
            graph.WriteMessage(OnnxProto.Graph.Initializer, OnnxProto.FloatTensor(layer.Name + ".weight", [layer.Inputs, layer.Units],
                parameters.Slice(layer.WeightsOffset, layer.Inputs * layer.Units)));
            graph.WriteMessage(OnnxProto.Graph.Initializer, OnnxProto.FloatTensor(layer.Name + ".bias", [layer.Units],
                parameters.Slice(layer.BiasesOffset, layer.Units)));
        }
        graph.WriteMessage(OnnxProto.Graph.Input, OnnxProto.FloatMatrixValue(InputName, BatchDimension, inputSize));
        graph.WriteMessage(OnnxProto.Graph.Output, OnnxProto.FloatMatrixValue(OutputName, BatchDimension, layers[^1].Output.Size));

        var model = new ProtobufWriter();
        model.WriteInt64(OnnxProto.Model.IrVersion, IrVersion);
        model.WriteString(OnnxProto.Model.ProducerName, ProducerName);
        model.WriteString(OnnxProto.Model.ProducerVersion, ProducerVersion());
        model.WriteString(OnnxProto.Model.DocString, "The ModelGen model " + modelName + ": " + layers.Count + " dense layer(s), y = activation(x·W + b).");
        model.WriteMessage(OnnxProto.Model.Graph, graph);
        model.WriteMessage(OnnxProto.Model.OpsetImport, OnnxProto.OperatorSet("", OpsetVersion));
        return model;
    }

    // The node after a layer's Gemm, or null for Identity.
    private static (ProtobufWriter Node, string Output)? ActivationNode(DenseLayerInfo layer, string input, string output)
    {
        string name = layer.Name + "." + layer.Activation.ToString().ToLowerInvariant();
        ProtobufWriter? node = layer.Activation switch
        {
            Activation.Identity => null,
            Activation.ReLU => OnnxProto.Node(name, "Relu", [input], output),
            Activation.LeakyReLU => OnnxProto.Node(name, "LeakyRelu", [input], output, OnnxProto.FloatAttribute("alpha", layer.Slope)),
            Activation.Sigmoid => OnnxProto.Node(name, "Sigmoid", [input], output),
            Activation.Tanh => OnnxProto.Node(name, "Tanh", [input], output),
            // Each row of [batch, units] separately, as the generated code does (axis 1 = the last axis).
            Activation.Softmax => OnnxProto.Node(name, "Softmax", [input], output, OnnxProto.IntAttribute("axis", 1)),
            _ => throw new ArgumentException($"Layer '{layer.Name}': activation {layer.Activation} has no ONNX mapping.", nameof(layer)),
        };
        return node is null ? null : (node, output);
    }

    private static void CheckLayers(string modelName, int inputSize, IReadOnlyList<LayerInfo> layers, int parameterCount)
    {
        if (inputSize < 1) throw new ArgumentOutOfRangeException(nameof(inputSize), inputSize, $"{modelName}: the input size must be positive.");
        if (layers.Count == 0) throw new ArgumentException($"{modelName}: there are no layers to export.", nameof(layers));
        var names = new HashSet<string>(StringComparer.Ordinal);
        int features = inputSize;
        foreach (DenseLayerInfo layer in layers)
        {
            if (layer is null) throw new ArgumentException($"{modelName}: a layer is null.", nameof(layers));
            string where = $"{modelName}, layer '{layer.Name}'";
            if (string.IsNullOrEmpty(layer.Name)) throw new ArgumentException($"{modelName}: a layer has no name.", nameof(layers));
            if (!names.Add(layer.Name)) throw new ArgumentException($"{where}: the name is used twice (ONNX tensor names must be unique).", nameof(layers));
            if (layer.Inputs != features)
                throw new ArgumentException($"{where}: it takes {layer.Inputs} inputs, but the previous layer gives {features}.", nameof(layers));
            if (layer.Units < 1) throw new ArgumentException($"{where}: it has {layer.Units} units.", nameof(layers));
            if (!Fits(layer.WeightsOffset, (long)layer.Inputs * layer.Units, parameterCount))
                throw new ArgumentException($"{where}: its weights [{layer.Inputs}, {layer.Units}] at offset {layer.WeightsOffset} do not fit the {parameterCount} parameters.", nameof(layers));
            if (!Fits(layer.BiasesOffset, layer.Units, parameterCount))
                throw new ArgumentException($"{where}: its biases [{layer.Units}] at offset {layer.BiasesOffset} do not fit the {parameterCount} parameters.", nameof(layers));
            features = layer.Units;
        }
    }

    private static bool Fits(int offset, long length, int total) => offset >= 0 && offset + length <= total;

    private static string ProducerVersion() =>
        typeof(OnnxExporter).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
        ?? typeof(OnnxExporter).Assembly.GetName().Version?.ToString() ?? "0";
}
