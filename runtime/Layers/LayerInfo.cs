namespace ModelGen;

/// <summary>
/// One layer of a generated model, as data: generated models list theirs in <c>Layers</c>, for tools such
/// as the ONNX exporter. Each kind of layer is a sealed record deriving from this one.
/// </summary>
/// <param name="Name">The layer's name, as declared (or its default).</param>
/// <param name="Input">The shape of one sample's input.</param>
/// <param name="Output">The shape of one sample's output.</param>
public abstract record LayerInfo(string Name, TensorShape Input, TensorShape Output);

/// <summary>A dense layer: y = activation(x·W + b).</summary>
/// <param name="Name">The layer's name.</param>
/// <param name="Input">The shape of one sample's input.</param>
/// <param name="Output">The shape of one sample's output.</param>
/// <param name="Activation">The activation after the affine map.</param>
/// <param name="Slope">The LeakyReLU slope; 0 for other activations.</param>
/// <param name="WeightsOffset">Where W [Inputs, Units] (row-major) starts in the parameter buffer.</param>
/// <param name="BiasesOffset">Where b [Units] starts in the parameter buffer.</param>
public sealed record DenseLayerInfo(string Name, TensorShape Input, TensorShape Output, Activation Activation, float Slope,
    int WeightsOffset, int BiasesOffset) : LayerInfo(Name, Input, Output)
{
    /// <summary>Features in.</summary>
    public int Inputs => Input.Size;

    /// <summary>Features out.</summary>
    public int Units => Output.Size;
}

/// <summary>A 2-D convolution, channels-last, then its activation.</summary>
/// <param name="Name">The layer's name.</param>
/// <param name="Input">The shape of one sample's input.</param>
/// <param name="Output">The shape of one sample's output.</param>
/// <param name="Geometry">Window, stride, padding and sizes.</param>
/// <param name="Activation">The activation after the convolution.</param>
/// <param name="Slope">The LeakyReLU slope; 0 for other activations.</param>
/// <param name="WeightsOffset">Where W [KernelHeight, KernelWidth, Channels, Filters] (row-major) starts in the parameter buffer.</param>
/// <param name="BiasesOffset">Where b [Filters] starts in the parameter buffer.</param>
public sealed record Conv2DLayerInfo(string Name, TensorShape Input, TensorShape Output, ConvGeometry Geometry,
    Activation Activation, float Slope, int WeightsOffset, int BiasesOffset) : LayerInfo(Name, Input, Output)
{
    /// <summary>Output channels.</summary>
    public int Filters => Output.Channels;
}

/// <summary>2-D max pooling, channel by channel.</summary>
/// <param name="Name">The layer's name.</param>
/// <param name="Input">The shape of one sample's input.</param>
/// <param name="Output">The shape of one sample's output.</param>
/// <param name="Geometry">Window, stride, padding and sizes (Channels is both the input's and the output's).</param>
public sealed record MaxPool2DLayerInfo(string Name, TensorShape Input, TensorShape Output, ConvGeometry Geometry)
    : LayerInfo(Name, Input, Output);

/// <summary>A flatten: the same values, seen as a flat vector.</summary>
public sealed record FlattenLayerInfo(string Name, TensorShape Input, TensorShape Output) : LayerInfo(Name, Input, Output);

/// <summary>Inverted dropout in training; the identity in inference.</summary>
/// <param name="Name">The layer's name.</param>
/// <param name="Input">The shape of one sample's input.</param>
/// <param name="Output">The shape of one sample's output.</param>
/// <param name="Rate">The fraction of values dropped in training.</param>
public sealed record DropoutLayerInfo(string Name, TensorShape Input, TensorShape Output, float Rate) : LayerInfo(Name, Input, Output);
