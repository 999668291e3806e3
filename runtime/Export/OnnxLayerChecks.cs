namespace ModelGen.Export;

/// <summary>
/// Checks, before anything is written, that every layer's inputs exist and fit it, and that its parameters and
/// state fit their buffers; each error is one line naming the model and the layer. Resolves which layers each
/// layer reads (<see cref="LayerInfo.Inputs"/>).
/// </summary>
internal static class OnnxLayerChecks
{
    /// <summary>The network input, in the sources <see cref="Check"/> returns.</summary>
    public const int NetworkInput = -1;

    /// <summary>
    /// Checks the layers; returns, per layer, the indices of the layers it reads in order (<see cref="NetworkInput"/>
    /// for the network input).
    /// </summary>
    public static int[][] Check(string modelName, TensorShape inputShape, IReadOnlyList<LayerInfo> layers, int parameterCount, int stateCount)
    {
        if (inputShape.Height < 1 || inputShape.Width < 1 || inputShape.Channels < 1)
            throw new ArgumentOutOfRangeException(nameof(inputShape), inputShape, $"{modelName}: the input shape {inputShape} must have positive sizes.");
        if (layers.Count == 0) throw new ArgumentException($"{modelName}: there are no layers to export.", nameof(layers));
        var allNames = new HashSet<string>(layers.Where(layer => layer is not null).Select(layer => layer.Name), StringComparer.Ordinal);
        var earlier = new Dictionary<string, int>(StringComparer.Ordinal);
        var sources = new int[layers.Count][];
        for (int i = 0; i < layers.Count; i++)
        {
            LayerInfo layer = layers[i];
            if (layer is null) throw new ArgumentException($"{modelName}: a layer is null.", nameof(layers));
            if (string.IsNullOrEmpty(layer.Name)) throw new ArgumentException($"{modelName}: a layer has no name.", nameof(layers));
            string where = $"{modelName}, layer '{layer.Name}'";
            if (earlier.ContainsKey(layer.Name)) throw new ArgumentException($"{where}: the name is used twice (ONNX tensor names must be unique).", nameof(layers));

            Source[] inputs = Resolve(layer, i, layers, inputShape, earlier, allNames, where);
            sources[i] = inputs.Select(input => input.Index).ToArray();
            string? problem = layer switch
            {
                _ when !IsKnown(layer) => throw OnnxLayers.Unknown(layer),
                AddLayerInfo add => Add(add, inputs),
                ConcatenateLayerInfo concatenate => Concatenate(concatenate, inputs),
                _ when inputs.Length != 1 => $"it reads {inputs.Length} inputs, but a {Kind(layer)} layer reads one",
                DenseLayerInfo dense => Dense(dense, inputs[0], parameterCount),
                Conv2DLayerInfo conv => Conv2D(conv, inputs[0], parameterCount),
                MaxPool2DLayerInfo pool => Pool(pool.Input, pool.Output, pool.Geometry, inputs[0]),
                AveragePooling2DLayerInfo pool => Pool(pool.Input, pool.Output, pool.Geometry, inputs[0]),
                FlattenLayerInfo flatten => Flatten(flatten, inputs[0]),
                DropoutLayerInfo dropout => SameShape(dropout, inputs[0]),
                BatchNormalizationLayerInfo norm => BatchNormalization(norm, inputs[0], parameterCount, stateCount),
                ActivationLayerInfo activation => Activation(activation, inputs[0]),
                GlobalAveragePooling2DLayerInfo pool => GlobalAveragePooling2D(pool, inputs[0]),
                DepthwiseConv2DLayerInfo conv => DepthwiseConv2D(conv, inputs[0], parameterCount),
                _ => throw OnnxLayers.Unknown(layer),
            };
            if (problem is not null) throw new ArgumentException($"{where}: {problem}.", nameof(layers));
            earlier.Add(layer.Name, i);
        }
        return sources;
    }

    // One input of a layer: its index (or NetworkInput), its shape, and how the messages name it.
    private readonly record struct Source(int Index, TensorShape Shape, string Description);

    // No names: the layer before (the network input for the first). A name: an earlier layer, or the network
    // input if no layer has it; a later layer (or the layer itself) would make a cycle or read ahead.
    private static Source[] Resolve(LayerInfo layer, int index, IReadOnlyList<LayerInfo> layers, TensorShape inputShape,
        Dictionary<string, int> earlier, HashSet<string> allNames, string where)
    {
        if (layer.Inputs is null) throw new ArgumentException($"{where}: its Inputs is null; leave it empty to read the layer before.", nameof(layers));
        if (layer.Inputs.Count == 0)
            return [index == 0 ? new(NetworkInput, inputShape, "the previous layer") : new(index - 1, layers[index - 1].Output, "the previous layer")];
        var sources = new Source[layer.Inputs.Count];
        for (int k = 0; k < sources.Length; k++)
        {
            string name = layer.Inputs[k];
            if (string.IsNullOrEmpty(name)) throw new ArgumentException($"{where}: its input {k + 1} has no name.", nameof(layers));
            if (earlier.TryGetValue(name, out int source)) sources[k] = new(source, layers[source].Output, $"layer '{name}'");
            else if (allNames.Contains(name))
                throw new ArgumentException(name == layer.Name
                    ? $"{where}: it reads itself."
                    : $"{where}: it reads layer '{name}', which comes after it; a layer reads only layers listed before it (or the network input).", nameof(layers));
            else sources[k] = new(NetworkInput, inputShape, $"the network input '{name}'");
        }
        return sources;
    }

    private static bool IsKnown(LayerInfo layer) => layer is DenseLayerInfo or Conv2DLayerInfo or MaxPool2DLayerInfo or FlattenLayerInfo
        or DropoutLayerInfo or AddLayerInfo or ConcatenateLayerInfo or BatchNormalizationLayerInfo or ActivationLayerInfo
        or GlobalAveragePooling2DLayerInfo or AveragePooling2DLayerInfo or DepthwiseConv2DLayerInfo;

    private static string Kind(LayerInfo layer) => layer.GetType().Name.Replace("LayerInfo", "", StringComparison.Ordinal);

    // A dense layer reads whatever comes before it as a flat vector.
    private static string? Dense(DenseLayerInfo layer, Source input, int parameterCount)
    {
        if (layer.InputSize != input.Shape.Size) return $"it takes {layer.InputSize} inputs, but {input.Description} gives {input.Shape.Size}";
        if (layer.Output.IsImage || layer.Units < 1) return $"its output {layer.Output} is not a positive number of units";
        return Parameters(layer.WeightsOffset, [layer.InputSize, layer.Units], layer.BiasesOffset, layer.Units, parameterCount);
    }

    private static string? Conv2D(Conv2DLayerInfo layer, Source input, int parameterCount)
    {
        ConvGeometry g = layer.Geometry;
        if (Window(layer.Input, input, g) is { } problem) return problem;
        if (layer.Output != TensorShape.Image(g.OutputHeight, g.OutputWidth, layer.Output.Channels) || layer.Filters < 1)
            return $"its output {layer.Output} does not fit its geometry's {g.OutputHeight}×{g.OutputWidth} pixels";
        return Parameters(layer.WeightsOffset, [g.WindowHeight, g.WindowWidth, g.Channels, layer.Filters], layer.BiasesOffset, layer.Filters, parameterCount);
    }

    private static string? DepthwiseConv2D(DepthwiseConv2DLayerInfo layer, Source input, int parameterCount)
    {
        ConvGeometry g = layer.Geometry;
        if (Window(layer.Input, input, g) is { } problem) return problem;
        if (layer.DepthMultiplier < 1) return $"its depth multiplier {layer.DepthMultiplier} is below 1";
        if (layer.Output != TensorShape.Image(g.OutputHeight, g.OutputWidth, g.Channels * layer.DepthMultiplier))
            return $"its output {layer.Output} is not its geometry's [{g.OutputHeight}, {g.OutputWidth}, {g.Channels * layer.DepthMultiplier}] (channels × depth multiplier)";
        return Parameters(layer.WeightsOffset, [g.WindowHeight, g.WindowWidth, g.Channels, layer.DepthMultiplier], layer.BiasesOffset, layer.Filters, parameterCount);
    }

    private static string? Pool(TensorShape layerInput, TensorShape output, in ConvGeometry g, Source input)
    {
        if (Window(layerInput, input, g) is { } problem) return problem;
        if (output != TensorShape.Image(g.OutputHeight, g.OutputWidth, g.Channels))
            return $"its output {output} is not its geometry's [{g.OutputHeight}, {g.OutputWidth}, {g.Channels}]";
        return null;
    }

    private static string? GlobalAveragePooling2D(GlobalAveragePooling2DLayerInfo layer, Source input)
    {
        if (layer.Input != input.Shape) return $"its input is {layer.Input}, but {input.Description} gives {input.Shape}";
        if (!layer.Input.IsImage) return $"its input {layer.Input} is not an image";
        if (layer.Output != TensorShape.Flat(layer.Input.Channels)) return $"its output {layer.Output} is not [{layer.Input.Channels}], one value per channel";
        return null;
    }

    private static string? Flatten(FlattenLayerInfo layer, Source input)
    {
        if (layer.Input != input.Shape) return $"its input is {layer.Input}, but {input.Description} gives {input.Shape}";
        if (layer.Output != TensorShape.Flat(input.Shape.Size)) return $"its output {layer.Output} is not [{input.Shape.Size}]";
        return null;
    }

    private static string? SameShape(LayerInfo layer, Source input)
    {
        if (layer.Input != input.Shape) return $"its input is {layer.Input}, but {input.Description} gives {input.Shape}";
        if (layer.Output != input.Shape) return $"its output {layer.Output} differs from its input {input.Shape}";
        return null;
    }

    private static string? Activation(ActivationLayerInfo layer, Source input)
    {
        if (SameShape(layer, input) is { } problem) return problem;
        if (layer.Activation == ModelGen.Activation.Softmax && layer.Input.IsImage) return "Softmax over an image has no ONNX mapping here (flatten it first)";
        return null;
    }

    // Inference reads the running statistics, so without a state buffer there is nothing to export.
    private static string? BatchNormalization(BatchNormalizationLayerInfo layer, Source input, int parameterCount, int stateCount)
    {
        if (SameShape(layer, input) is { } problem) return problem;
        if (!(layer.Epsilon > 0) || !float.IsFinite(layer.Epsilon)) return $"its epsilon {layer.Epsilon} is not a positive number";
        int c = layer.Channels;
        if (stateCount == 0)
            return "batch normalization needs its running mean and variance, but no state was given; export with the overload that takes the model's state";
        if (!Fits(layer.WeightsOffset, c, parameterCount)) return $"its weights (gamma) [{c}] at offset {layer.WeightsOffset} do not fit the {parameterCount} parameters";
        if (!Fits(layer.BiasesOffset, c, parameterCount)) return $"its biases (beta) [{c}] at offset {layer.BiasesOffset} do not fit the {parameterCount} parameters";
        if (!Fits(layer.RunningMeanOffset, c, stateCount)) return $"its running mean [{c}] at offset {layer.RunningMeanOffset} does not fit the {stateCount} state values";
        if (!Fits(layer.RunningVarianceOffset, c, stateCount)) return $"its running variance [{c}] at offset {layer.RunningVarianceOffset} does not fit the {stateCount} state values";
        return null;
    }

    private static string? Add(AddLayerInfo layer, Source[] inputs)
    {
        if (inputs.Length < 2) return $"it reads {inputs.Length} input; an Add layer reads two or more";
        if (layer.Input != inputs[0].Shape) return $"its input is {layer.Input}, but {inputs[0].Description} gives {inputs[0].Shape}";
        foreach (Source input in inputs)
            if (input.Shape != layer.Output) return $"{input.Description} gives {input.Shape}, but every input of the sum must be its output's {layer.Output}";
        return null;
    }

    private static string? Concatenate(ConcatenateLayerInfo layer, Source[] inputs)
    {
        if (inputs.Length < 2) return $"it reads {inputs.Length} input; a Concatenate layer reads two or more";
        if (layer.Input != inputs[0].Shape) return $"its input is {layer.Input}, but {inputs[0].Description} gives {inputs[0].Shape}";
        TensorShape first = inputs[0].Shape;
        foreach (Source input in inputs)
        {
            if (input.Shape.IsImage != first.IsImage) return $"{input.Description} gives {input.Shape}, but {inputs[0].Description} gives {first}; images join only images";
            if (first.IsImage && (input.Shape.Height != first.Height || input.Shape.Width != first.Width))
                return $"{input.Description} gives {input.Shape}, whose {input.Shape.Height}×{input.Shape.Width} pixels differ from the first input's {first.Height}×{first.Width}";
        }
        int total = inputs.Sum(input => first.IsImage ? input.Shape.Channels : input.Shape.Size);
        TensorShape expected = first.IsImage ? TensorShape.Image(first.Height, first.Width, total) : TensorShape.Flat(total);
        if (layer.Output != expected) return $"its output {layer.Output} is not the joined {expected}";
        return null;
    }

    // A convolution or pooling window runs over an image whose shape the geometry repeats.
    private static string? Window(TensorShape layerInput, Source input, in ConvGeometry g)
    {
        if (layerInput != input.Shape) return $"its input is {layerInput}, but {input.Description} gives {input.Shape}";
        if (!layerInput.IsImage) return $"its input {layerInput} is not an image";
        if (layerInput != TensorShape.Image(g.InputHeight, g.InputWidth, g.Channels))
            return $"its geometry is for a [{g.InputHeight}, {g.InputWidth}, {g.Channels}] image, but its input is {layerInput}";
        if (g.WindowHeight < 1 || g.WindowWidth < 1 || g.StrideHeight < 1 || g.StrideWidth < 1 || g.PadTop < 0 || g.PadLeft < 0)
            return "its geometry has a window or stride below 1 or a negative padding";
        return null;
    }

    private static string? Parameters(int weightsOffset, int[] weightShape, int biasesOffset, int biases, int parameterCount)
    {
        long weights = weightShape.Aggregate(1L, (product, d) => product * d);
        string shape = "[" + string.Join(", ", weightShape) + "]";
        if (!Fits(weightsOffset, weights, parameterCount))
            return $"its weights {shape} at offset {weightsOffset} do not fit the {parameterCount} parameters";
        if (!Fits(biasesOffset, biases, parameterCount))
            return $"its biases [{biases}] at offset {biasesOffset} do not fit the {parameterCount} parameters";
        return null;
    }

    private static bool Fits(int offset, long length, int total) => offset >= 0 && offset + length <= total;
}
