namespace ModelGen.Export;

/// <summary>
/// Checks, before anything is written, that the layers chain from the input shape and that every layer's
/// parameters fit the buffer; each error is one line naming the model and the layer.
/// </summary>
internal static class OnnxLayerChecks
{
    public static void Check(string modelName, TensorShape inputShape, IReadOnlyList<LayerInfo> layers, int parameterCount)
    {
        if (inputShape.Height < 1 || inputShape.Width < 1 || inputShape.Channels < 1)
            throw new ArgumentOutOfRangeException(nameof(inputShape), inputShape, $"{modelName}: the input shape {inputShape} must have positive sizes.");
        if (layers.Count == 0) throw new ArgumentException($"{modelName}: there are no layers to export.", nameof(layers));
        var names = new HashSet<string>(StringComparer.Ordinal);
        TensorShape previous = inputShape;
        foreach (LayerInfo layer in layers)
        {
            if (layer is null) throw new ArgumentException($"{modelName}: a layer is null.", nameof(layers));
            if (string.IsNullOrEmpty(layer.Name)) throw new ArgumentException($"{modelName}: a layer has no name.", nameof(layers));
            string where = $"{modelName}, layer '{layer.Name}'";
            if (!names.Add(layer.Name)) throw new ArgumentException($"{where}: the name is used twice (ONNX tensor names must be unique).", nameof(layers));
            string? problem = layer switch
            {
                DenseLayerInfo dense => Dense(dense, previous, parameterCount),
                Conv2DLayerInfo conv => Conv2D(conv, previous, parameterCount),
                MaxPool2DLayerInfo pool => MaxPool2D(pool, previous),
                FlattenLayerInfo flatten => Flatten(flatten, previous),
                DropoutLayerInfo dropout => SameShape(dropout, previous),
                _ => throw OnnxLayers.Unknown(layer),
            };
            if (problem is not null) throw new ArgumentException($"{where}: {problem}.", nameof(layers));
            previous = layer.Output;
        }
    }

    // A dense layer reads whatever comes before it as a flat vector.
    private static string? Dense(DenseLayerInfo layer, TensorShape previous, int parameterCount)
    {
        if (layer.InputSize != previous.Size) return $"it takes {layer.InputSize} inputs, but the previous layer gives {previous.Size}";
        if (layer.Output.IsImage || layer.Units < 1) return $"its output {layer.Output} is not a positive number of units";
        return Parameters(layer.WeightsOffset, [layer.InputSize, layer.Units], layer.BiasesOffset, layer.Units, parameterCount);
    }

    private static string? Conv2D(Conv2DLayerInfo layer, TensorShape previous, int parameterCount)
    {
        ConvGeometry g = layer.Geometry;
        if (Window(layer.Input, previous, g) is { } problem) return problem;
        if (layer.Output != TensorShape.Image(g.OutputHeight, g.OutputWidth, layer.Output.Channels) || layer.Filters < 1)
            return $"its output {layer.Output} does not fit its geometry's {g.OutputHeight}×{g.OutputWidth} pixels";
        return Parameters(layer.WeightsOffset, [g.WindowHeight, g.WindowWidth, g.Channels, layer.Filters], layer.BiasesOffset, layer.Filters, parameterCount);
    }

    private static string? MaxPool2D(MaxPool2DLayerInfo layer, TensorShape previous)
    {
        ConvGeometry g = layer.Geometry;
        if (Window(layer.Input, previous, g) is { } problem) return problem;
        if (layer.Output != TensorShape.Image(g.OutputHeight, g.OutputWidth, g.Channels))
            return $"its output {layer.Output} is not its geometry's [{g.OutputHeight}, {g.OutputWidth}, {g.Channels}]";
        return null;
    }

    private static string? Flatten(FlattenLayerInfo layer, TensorShape previous)
    {
        if (layer.Input != previous) return $"its input is {layer.Input}, but the previous layer gives {previous}";
        if (layer.Output != TensorShape.Flat(previous.Size)) return $"its output {layer.Output} is not [{previous.Size}]";
        return null;
    }

    private static string? SameShape(LayerInfo layer, TensorShape previous)
    {
        if (layer.Input != previous) return $"its input is {layer.Input}, but the previous layer gives {previous}";
        if (layer.Output != previous) return $"its output {layer.Output} differs from its input {previous}";
        return null;
    }

    // A convolution or pooling window runs over an image whose shape the geometry repeats.
    private static string? Window(TensorShape input, TensorShape previous, in ConvGeometry g)
    {
        if (input != previous) return $"its input is {input}, but the previous layer gives {previous}";
        if (!input.IsImage) return $"its input {input} is not an image";
        if (input != TensorShape.Image(g.InputHeight, g.InputWidth, g.Channels))
            return $"its geometry is for a [{g.InputHeight}, {g.InputWidth}, {g.Channels}] image, but its input is {input}";
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
