namespace ModelGen;

/// <summary>
/// One tensor of a model's flat parameter buffer: its layer, what it is, and where it lies. <see cref="Of"/> lists a
/// model's from its <see cref="IModel.Layers"/>, e.g. to choose which parameters weight decay applies to
/// (<see cref="DecayMask"/>).
/// </summary>
/// <param name="Layer">The layer's name.</param>
/// <param name="Kind">What the tensor is to the layer.</param>
/// <param name="Offset">Where it starts in <see cref="IModel.Parameters"/>.</param>
/// <param name="Length">How many parameters it holds.</param>
public readonly record struct ParameterTensor(string Layer, ParameterKind Kind, int Offset, int Length)
{
    /// <summary>
    /// Every parameter tensor of <paramref name="model"/>, in buffer order; together they cover its
    /// <see cref="IModel.Parameters"/> exactly once.
    /// </summary>
    /// <exception cref="ArgumentException">The layers' tensors overlap, leave parameters out or lie outside the buffer (a layer kind this list does not know).</exception>
    public static IReadOnlyList<ParameterTensor> Of(IModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var tensors = new List<ParameterTensor>();
        foreach (LayerInfo layer in model.Layers)
        {
            switch (layer)
            {
                case DenseLayerInfo dense:
                    tensors.Add(new(dense.Name, ParameterKind.Weights, dense.WeightsOffset, dense.InputSize * dense.Units));
                    tensors.Add(new(dense.Name, ParameterKind.Biases, dense.BiasesOffset, dense.Units));
                    break;
                case Conv2DLayerInfo conv:
                    tensors.Add(new(conv.Name, ParameterKind.Weights, conv.WeightsOffset, conv.Geometry.PatchSize * conv.Filters));
                    tensors.Add(new(conv.Name, ParameterKind.Biases, conv.BiasesOffset, conv.Filters));
                    break;
                case DepthwiseConv2DLayerInfo conv:
                    tensors.Add(new(conv.Name, ParameterKind.Weights, conv.WeightsOffset, conv.Geometry.PatchSize * conv.DepthMultiplier));
                    tensors.Add(new(conv.Name, ParameterKind.Biases, conv.BiasesOffset, conv.Filters));
                    break;
                case BatchNormalizationLayerInfo norm:
                    tensors.Add(new(norm.Name, ParameterKind.Scale, norm.WeightsOffset, norm.Channels));
                    tensors.Add(new(norm.Name, ParameterKind.Shift, norm.BiasesOffset, norm.Channels));
                    break;
            }
        }
        tensors.Sort((a, b) => a.Offset.CompareTo(b.Offset));
        int count = model.Parameters.Length, next = 0;
        foreach (ParameterTensor tensor in tensors)
        {
            if (tensor.Offset != next || tensor.Length < 0 || (long)tensor.Offset + tensor.Length > count)
                throw new ArgumentException(
                    $"{model.GetType().Name}: layer '{tensor.Layer}' has its {tensor.Kind} at [{tensor.Offset}, {(long)tensor.Offset + tensor.Length}), but the tensors before it end at {next} of {count} parameters; the layers' tensors must tile the parameter buffer.",
                    nameof(model));
            next += tensor.Length;
        }
        if (next != count)
            throw new ArgumentException($"{model.GetType().Name}: its layers' tensors hold {next} of its {count} parameters; a layer kind with parameters is missing from ParameterTensor.Of.", nameof(model));
        return tensors;
    }
}
