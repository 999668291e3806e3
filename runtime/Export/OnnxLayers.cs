using ModelGen.Serialization;

namespace ModelGen.Export;

/// <summary>The ONNX nodes and initializers of each kind of layer, one method per kind.</summary>
internal static class OnnxLayers
{
    /// <summary>Adds <paramref name="layer"/> to <paramref name="graph"/>; refuses a kind of layer this exporter does not know.</summary>
    public static void Add(OnnxGraph graph, LayerInfo layer, ReadOnlySpan<float> parameters)
    {
        switch (layer)
        {
            case DenseLayerInfo dense: Dense(graph, dense, parameters); break;
            case Conv2DLayerInfo conv: Conv2D(graph, conv, parameters); break;
            case MaxPool2DLayerInfo pool: MaxPool2D(graph, pool); break;
            case FlattenLayerInfo flatten: Flatten(graph, flatten); break;
            case DropoutLayerInfo: break; // the identity in inference
            default: throw Unknown(layer);
        }
    }

    /// <summary>The error for a layer kind added to the runtime without an ONNX mapping here.</summary>
    public static NotSupportedException Unknown(LayerInfo layer) =>
        new($"Layer '{layer.Name}' is a {layer.GetType().Name}, which the ONNX exporter does not know how to write.");

    // Gemm (A = the input [batch, inputs], B = W [inputs, units] as stored, so transB = 0, C = b), then the activation.
    private static void Dense(OnnxGraph graph, DenseLayerInfo layer, ReadOnlySpan<float> parameters)
    {
        // ModelGen's dense layer reads an image as its flat channels-last values.
        graph.EnsureFlat(layer.Name);
        string weights = layer.Name + ".weight", biases = layer.Name + ".bias";
        graph.Add(layer.Name + ".gemm", "Gemm", [graph.Current, weights, biases], layer.Name + ".z");
        Activation(graph, layer.Name, layer.Activation, layer.Slope);
        graph.AddInitializer(weights, [layer.InputSize, layer.Units], parameters.Slice(layer.WeightsOffset, layer.InputSize * layer.Units));
        graph.AddInitializer(biases, [layer.Units], parameters.Slice(layer.BiasesOffset, layer.Units));
    }

    // Conv on [batch, C, H, W] with W in ONNX's [filters, C, kh, kw] (the stored [kh, kw, C, filters] transposed,
    // exactly as PyTorch's nn.Conv2d.weight is saved), then the activation.
    private static void Conv2D(OnnxGraph graph, Conv2DLayerInfo layer, ReadOnlySpan<float> parameters)
    {
        ConvGeometry g = layer.Geometry;
        if (layer.Activation == ModelGen.Activation.Softmax)
            throw new ArgumentException($"Layer '{layer.Name}': Softmax after a convolution has no ONNX mapping here.", nameof(layer));
        graph.EnsureChannelsFirst(layer.Name);
        string weights = layer.Name + ".weight", biases = layer.Name + ".bias";
        graph.Add(layer.Name + ".conv", "Conv", [graph.Current, weights, biases], layer.Name + ".z",
            OnnxProto.IntsAttribute("kernel_shape", g.WindowHeight, g.WindowWidth),
            OnnxProto.IntsAttribute("strides", g.StrideHeight, g.StrideWidth),
            OnnxProto.IntsAttribute("pads", Pads(g)));
        Activation(graph, layer.Name, layer.Activation, layer.Slope);

        var layout = TensorLayout.Conv2D(weights, layer.WeightsOffset, g.WindowHeight, g.WindowWidth, g.Channels, layer.Filters);
        var onnxWeights = new float[layout.Length];
        layout.ToSaved(parameters.Slice(layer.WeightsOffset, layout.Length), onnxWeights);
        graph.AddInitializer(weights, [layer.Filters, g.Channels, g.WindowHeight, g.WindowWidth], onnxWeights);
        graph.AddInitializer(biases, [layer.Filters], parameters.Slice(layer.BiasesOffset, layer.Filters));
    }

    // ONNX's MaxPool ignores padded positions, as ModelGen's does (they never win).
    private static void MaxPool2D(OnnxGraph graph, MaxPool2DLayerInfo layer)
    {
        ConvGeometry g = layer.Geometry;
        graph.EnsureChannelsFirst(layer.Name);
        graph.Add(layer.Name + ".maxpool", "MaxPool", [graph.Current], layer.Name + ".y",
            OnnxProto.IntsAttribute("kernel_shape", g.WindowHeight, g.WindowWidth),
            OnnxProto.IntsAttribute("strides", g.StrideHeight, g.StrideWidth),
            OnnxProto.IntsAttribute("pads", Pads(g)));
    }

    // Back to channels-last first, so Flatten(axis = 1) gives the (h, w, c) order the next dense layer's weights expect.
    private static void Flatten(OnnxGraph graph, FlattenLayerInfo layer) => graph.EnsureFlat(layer.Name);

    /// <summary>
    /// ONNX pads [top, left, bottom, right]. ModelGen's geometry gives the padding before (top, left); what comes
    /// after is whatever the last window reaches past the image: with Same padding the odd pixel goes to the
    /// bottom or right, and with Valid padding a window that does not fit at the end is simply not computed.
    /// </summary>
    private static long[] Pads(in ConvGeometry g)
    {
        long bottom = Math.Max((long)(g.OutputHeight - 1) * g.StrideHeight + g.WindowHeight - g.InputHeight - g.PadTop, 0);
        long right = Math.Max((long)(g.OutputWidth - 1) * g.StrideWidth + g.WindowWidth - g.InputWidth - g.PadLeft, 0);
        return [g.PadTop, g.PadLeft, bottom, right];
    }

    // The node after a layer's affine map, if its activation is not the identity.
    private static void Activation(OnnxGraph graph, string layer, Activation activation, float slope)
    {
        string name = layer + "." + activation.ToString().ToLowerInvariant(), output = layer + ".y";
        switch (activation)
        {
            case ModelGen.Activation.Identity: break;
            case ModelGen.Activation.ReLU: graph.Add(name, "Relu", [graph.Current], output); break;
            case ModelGen.Activation.LeakyReLU: graph.Add(name, "LeakyRelu", [graph.Current], output, OnnxProto.FloatAttribute("alpha", slope)); break;
            case ModelGen.Activation.Sigmoid: graph.Add(name, "Sigmoid", [graph.Current], output); break;
            case ModelGen.Activation.Tanh: graph.Add(name, "Tanh", [graph.Current], output); break;
            // Each row of [batch, units] separately, as the generated code does (axis 1 = the last axis).
            case ModelGen.Activation.Softmax: graph.Add(name, "Softmax", [graph.Current], output, OnnxProto.IntAttribute("axis", 1)); break;
            default: throw new ArgumentException($"Layer '{layer}': activation {activation} has no ONNX mapping.", nameof(activation));
        }
    }
}
