using ModelGen.Serialization;

namespace ModelGen.Export;

/// <summary>The ONNX nodes and initializers of each kind of layer, one method per kind.</summary>
internal static class OnnxLayers
{
    /// <summary>
    /// Adds <paramref name="layer"/>, reading <paramref name="inputs"/> (the values of the layers it reads, in order),
    /// to <paramref name="graph"/>, and returns its output; refuses a kind of layer this exporter does not know.
    /// </summary>
    public static OnnxValue Add(OnnxGraph graph, LayerInfo layer, OnnxValue[] inputs, ReadOnlySpan<float> parameters, ReadOnlySpan<float> state) => layer switch
    {
        DenseLayerInfo dense => Dense(graph, dense, inputs[0], parameters),
        Conv2DLayerInfo conv => Conv2D(graph, conv, inputs[0], parameters),
        MaxPool2DLayerInfo pool => MaxPool2D(graph, pool, inputs[0]),
        FlattenLayerInfo flatten => Flatten(graph, flatten, inputs[0]),
        DropoutLayerInfo => inputs[0], // the identity in inference
        AddLayerInfo add => Sum(graph, add, inputs),
        ConcatenateLayerInfo concatenate => Concatenate(graph, concatenate, inputs),
        BatchNormalizationLayerInfo norm => BatchNormalization(graph, norm, inputs[0], parameters, state),
        ActivationLayerInfo activation => Activation(graph, activation, inputs[0]),
        GlobalAveragePooling2DLayerInfo pool => GlobalAveragePooling2D(graph, pool, inputs[0]),
        AveragePooling2DLayerInfo pool => AveragePooling2D(graph, pool, inputs[0]),
        DepthwiseConv2DLayerInfo conv => DepthwiseConv2D(graph, conv, inputs[0], parameters),
        _ => throw Unknown(layer),
    };

    /// <summary>The error for a layer kind added to the runtime without an ONNX mapping here.</summary>
    public static NotSupportedException Unknown(LayerInfo layer) =>
        new($"Layer '{layer.Name}' is a {layer.GetType().Name}, which the ONNX exporter does not know how to write.");

    // Gemm (A = the input [batch, inputs], B = W [inputs, units] as stored, so transB = 0, C = b), then the activation.
    private static OnnxValue Dense(OnnxGraph graph, DenseLayerInfo layer, OnnxValue input, ReadOnlySpan<float> parameters)
    {
        // ModelGen's dense layer reads an image as its flat channels-last values.
        string x = graph.As(input, TensorLayoutKind.Flat, layer.Name);
        string weights = layer.Name + ".weight", biases = layer.Name + ".bias";
        string z = graph.Add(layer.Name + ".gemm", "Gemm", [x, weights, biases], layer.Name + ".z");
        string y = Activation(graph, layer.Name, layer.Activation, layer.Slope, z);
        graph.AddInitializer(weights, [layer.InputSize, layer.Units], parameters.Slice(layer.WeightsOffset, layer.InputSize * layer.Units));
        graph.AddInitializer(biases, [layer.Units], parameters.Slice(layer.BiasesOffset, layer.Units));
        return new OnnxValue(y, TensorLayoutKind.Flat);
    }

    // Conv on [batch, C, H, W] with W in ONNX's [filters, C, kh, kw] (the stored [kh, kw, C, filters] transposed,
    // exactly as PyTorch's nn.Conv2d.weight is saved), then the activation.
    private static OnnxValue Conv2D(OnnxGraph graph, Conv2DLayerInfo layer, OnnxValue input, ReadOnlySpan<float> parameters)
    {
        ConvGeometry g = layer.Geometry;
        if (layer.Activation == ModelGen.Activation.Softmax)
            throw new ArgumentException($"Layer '{layer.Name}': Softmax after a convolution has no ONNX mapping here.", nameof(layer));
        string x = graph.As(input, TensorLayoutKind.ChannelsFirst, layer.Name);
        string weights = layer.Name + ".weight", biases = layer.Name + ".bias";
        string z = graph.Add(layer.Name + ".conv", "Conv", [x, weights, biases], layer.Name + ".z", WindowAttributes(g));
        string y = Activation(graph, layer.Name, layer.Activation, layer.Slope, z);

        var layout = TensorLayout.Conv2D(weights, layer.WeightsOffset, g.WindowHeight, g.WindowWidth, g.Channels, layer.Filters);
        var onnxWeights = new float[layout.Length];
        layout.ToSaved(parameters.Slice(layer.WeightsOffset, layout.Length), onnxWeights);
        graph.AddInitializer(weights, [layer.Filters, g.Channels, g.WindowHeight, g.WindowWidth], onnxWeights);
        graph.AddInitializer(biases, [layer.Filters], parameters.Slice(layer.BiasesOffset, layer.Filters));
        return new OnnxValue(y, TensorLayoutKind.ChannelsFirst);
    }

    // A Conv with group = C: output channel c·M + m convolves input channel c with W[:, :, c, m], so ONNX's weight
    // [C·M, 1, kh, kw] is the stored [kh, kw, C, M] transposed (as PyTorch's Conv2d(C, C·M, groups = C).weight).
    private static OnnxValue DepthwiseConv2D(OnnxGraph graph, DepthwiseConv2DLayerInfo layer, OnnxValue input, ReadOnlySpan<float> parameters)
    {
        ConvGeometry g = layer.Geometry;
        if (layer.Activation == ModelGen.Activation.Softmax)
            throw new ArgumentException($"Layer '{layer.Name}': Softmax after a convolution has no ONNX mapping here.", nameof(layer));
        string x = graph.As(input, TensorLayoutKind.ChannelsFirst, layer.Name);
        string weights = layer.Name + ".weight", biases = layer.Name + ".bias";
        string z = graph.Add(layer.Name + ".conv", "Conv", [x, weights, biases], layer.Name + ".z",
            [.. WindowAttributes(g), OnnxProto.IntAttribute("group", g.Channels)]);
        string y = Activation(graph, layer.Name, layer.Activation, layer.Slope, z);

        var layout = TensorLayout.DepthwiseConv2D(weights, layer.WeightsOffset, g.WindowHeight, g.WindowWidth, g.Channels, layer.DepthMultiplier);
        var onnxWeights = new float[layout.Length];
        layout.ToSaved(parameters.Slice(layer.WeightsOffset, layout.Length), onnxWeights);
        graph.AddInitializer(weights, [layer.Filters, 1, g.WindowHeight, g.WindowWidth], onnxWeights);
        graph.AddInitializer(biases, [layer.Filters], parameters.Slice(layer.BiasesOffset, layer.Filters));
        return new OnnxValue(y, TensorLayoutKind.ChannelsFirst);
    }

    // ONNX's MaxPool ignores padded positions, as ModelGen's does (they never win).
    private static OnnxValue MaxPool2D(OnnxGraph graph, MaxPool2DLayerInfo layer, OnnxValue input)
    {
        string x = graph.As(input, TensorLayoutKind.ChannelsFirst, layer.Name);
        return new OnnxValue(graph.Add(layer.Name + ".maxpool", "MaxPool", [x], layer.Name + ".y", WindowAttributes(layer.Geometry)), TensorLayoutKind.ChannelsFirst);
    }

    // count_include_pad = 0 divides each window's sum by its positions inside the image (Keras), 1 by the window's
    // area (PyTorch's default); the explicit pads make every window ModelGen computes lie inside the padded image.
    private static OnnxValue AveragePooling2D(OnnxGraph graph, AveragePooling2DLayerInfo layer, OnnxValue input)
    {
        string x = graph.As(input, TensorLayoutKind.ChannelsFirst, layer.Name);
        string y = graph.Add(layer.Name + ".averagepool", "AveragePool", [x], layer.Name + ".y",
            [.. WindowAttributes(layer.Geometry), OnnxProto.IntAttribute("count_include_pad", layer.CountIncludePad ? 1 : 0)]);
        return new OnnxValue(y, TensorLayoutKind.ChannelsFirst);
    }

    // [batch, C, H, W] → [batch, C, 1, 1] → [batch, C].
    private static OnnxValue GlobalAveragePooling2D(OnnxGraph graph, GlobalAveragePooling2DLayerInfo layer, OnnxValue input)
    {
        string x = graph.As(input, TensorLayoutKind.ChannelsFirst, layer.Name);
        string pooled = graph.Add(layer.Name + ".globalaveragepool", "GlobalAveragePool", [x], layer.Name + ".pooled");
        return new OnnxValue(graph.Add(layer.Name + ".flatten", "Flatten", [pooled], layer.Name + ".y", OnnxProto.IntAttribute("axis", 1)), TensorLayoutKind.Flat);
    }

    // Back to channels-last first, so Flatten(axis = 1) gives the (h, w, c) order the next dense layer's weights expect.
    private static OnnxValue Flatten(OnnxGraph graph, FlattenLayerInfo layer, OnnxValue input) =>
        new(graph.As(input, TensorLayoutKind.Flat, layer.Name), TensorLayoutKind.Flat);

    // Element-wise, so any layout serves as long as all inputs share it: channels-first if any input already is
    // (the usual case after a Conv), so that a residual sum transposes nothing. Three or more inputs: a chain of Adds.
    private static OnnxValue Sum(OnnxGraph graph, AddLayerInfo layer, OnnxValue[] inputs)
    {
        TensorLayoutKind layout = SharedLayout(inputs);
        string[] x = inputs.Select(input => graph.As(input, layout, layer.Name)).ToArray();
        string sum = x[0];
        for (int i = 1; i < x.Length; i++)
            sum = graph.Add(i == x.Length - 1 ? layer.Name + ".add" : layer.Name + ".add" + i, "Add", [sum, x[i]], i == x.Length - 1 ? layer.Name + ".y" : layer.Name + ".sum" + i);
        return new OnnxValue(sum, layout);
    }

    // Along the channels of [batch, C, H, W] images, or end to end for [batch, n] vectors: axis 1 either way.
    private static OnnxValue Concatenate(OnnxGraph graph, ConcatenateLayerInfo layer, OnnxValue[] inputs)
    {
        TensorLayoutKind layout = inputs[0].IsImage ? TensorLayoutKind.ChannelsFirst : TensorLayoutKind.Flat;
        string[] x = inputs.Select(input => graph.As(input, layout, layer.Name)).ToArray();
        return new OnnxValue(graph.Add(layer.Name + ".concat", "Concat", x, layer.Name + ".y", OnnxProto.IntAttribute("axis", 1)), layout);
    }

    // Inference form: y = scale · (x − mean) / √(var + ε) + B over axis 1, the channels of [batch, C, H, W] or the
    // features of [batch, C]; scale and B from the parameters, mean and var from the state.
    private static OnnxValue BatchNormalization(OnnxGraph graph, BatchNormalizationLayerInfo layer, OnnxValue input,
        ReadOnlySpan<float> parameters, ReadOnlySpan<float> state)
    {
        TensorLayoutKind layout = input.IsImage ? TensorLayoutKind.ChannelsFirst : TensorLayoutKind.Flat;
        string x = graph.As(input, layout, layer.Name);
        string n = layer.Name;
        string y = graph.Add(n + ".batchnormalization", "BatchNormalization", [x, n + ".weight", n + ".bias", n + ".running_mean", n + ".running_var"], n + ".y",
            OnnxProto.FloatAttribute("epsilon", layer.Epsilon), OnnxProto.FloatAttribute("momentum", layer.Momentum));
        int c = layer.Channels;
        graph.AddInitializer(n + ".weight", [c], parameters.Slice(layer.WeightsOffset, c));
        graph.AddInitializer(n + ".bias", [c], parameters.Slice(layer.BiasesOffset, c));
        graph.AddInitializer(n + ".running_mean", [c], state.Slice(layer.RunningMeanOffset, c));
        graph.AddInitializer(n + ".running_var", [c], state.Slice(layer.RunningVarianceOffset, c));
        return new OnnxValue(y, layout);
    }

    // Element-wise: in whatever layout the input has (Softmax only on flat vectors, which OnnxLayerChecks enforces).
    private static OnnxValue Activation(OnnxGraph graph, ActivationLayerInfo layer, OnnxValue input)
    {
        string x = input.Tensor;
        string y = Activation(graph, layer.Name, layer.Activation, layer.Slope, x);
        return y == x ? input : new OnnxValue(y, input.Layout);
    }

    private static TensorLayoutKind SharedLayout(OnnxValue[] inputs) =>
        !inputs[0].IsImage ? TensorLayoutKind.Flat
        : inputs.Any(input => input.Layout == TensorLayoutKind.ChannelsFirst) ? TensorLayoutKind.ChannelsFirst
        : TensorLayoutKind.ChannelsLast;

    private static ProtobufWriter[] WindowAttributes(in ConvGeometry g) =>
    [
        OnnxProto.IntsAttribute("kernel_shape", g.WindowHeight, g.WindowWidth),
        OnnxProto.IntsAttribute("strides", g.StrideHeight, g.StrideWidth),
        OnnxProto.IntsAttribute("pads", Pads(g)),
    ];

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

    // The node after a layer's affine map (or an Activation layer's node), if its activation is not the identity;
    // returns the tensor that holds the activated values (x itself for the identity).
    private static string Activation(OnnxGraph graph, string layer, Activation activation, float slope, string x)
    {
        string name = layer + "." + activation.ToString().ToLowerInvariant(), output = layer + ".y";
        switch (activation)
        {
            case ModelGen.Activation.Identity: return x;
            case ModelGen.Activation.ReLU: return graph.Add(name, "Relu", [x], output);
            case ModelGen.Activation.LeakyReLU: return graph.Add(name, "LeakyRelu", [x], output, OnnxProto.FloatAttribute("alpha", slope));
            case ModelGen.Activation.Sigmoid: return graph.Add(name, "Sigmoid", [x], output);
            case ModelGen.Activation.Tanh: return graph.Add(name, "Tanh", [x], output);
            // Each row of [batch, units] separately, as the generated code does (axis 1 = the last axis).
            case ModelGen.Activation.Softmax: return graph.Add(name, "Softmax", [x], output, OnnxProto.IntAttribute("axis", 1));
            // Clip's bounds are inputs since opset 11: scalar initializers.
            case ModelGen.Activation.ReLU6:
                string min = layer + ".clip_min", max = layer + ".clip_max";
                graph.AddInitializer(min, [], [0f]);
                graph.AddInitializer(max, [], [6f]);
                return graph.Add(name, "Clip", [x, min, max], output);
            default: throw new ArgumentException($"Layer '{layer}': activation {activation} has no ONNX mapping.", nameof(activation));
        }
    }
}
