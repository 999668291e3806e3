namespace ModelGen;

/// <summary>
/// One layer of a generated model, as data: generated models list theirs in <c>Layers</c>, for tools such
/// as the ONNX exporter. Each kind of layer is a sealed record deriving from this one.
/// </summary>
/// <param name="Name">The layer's name, as declared (or its default).</param>
/// <param name="Input">The shape of one sample's input.</param>
/// <param name="Output">The shape of one sample's output.</param>
/// <remarks>
/// Layers form a graph through <see cref="Inputs"/>: a layer reads the outputs of the layers it names, or, when
/// it names none, the output of the layer listed just before it (the network input for the first layer), so a
/// chain needs no names at all. The network's output is the last layer's.
/// </remarks>
public abstract record LayerInfo(string Name, TensorShape Input, TensorShape Output)
{
    /// <summary>
    /// The names of the layers whose outputs this layer reads, in order. Empty means the layer listed just before
    /// it (the network input for the first layer). A name that no layer in the list has is the network input's;
    /// a name must not be that of a later layer (or this one). <see cref="Input"/> is the first input's shape.
    /// </summary>
    public IReadOnlyList<string> Inputs { get; init; } = [];
}

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
    /// <summary>Features in (the input's size; an image is read as its flat channels-last values).</summary>
    /// <remarks>Named <c>Inputs</c> before layers formed graphs; that name is now <see cref="LayerInfo.Inputs"/>, the layers read.</remarks>
    public int InputSize => Input.Size;

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

/// <summary>An element-wise sum of two or more layers' outputs (Keras' Add), e.g. a residual connection.</summary>
/// <param name="Name">The layer's name.</param>
/// <param name="Input">The shape of one sample's first input (every input has the shape <paramref name="Output"/>).</param>
/// <param name="Output">The shape of one sample's output.</param>
/// <remarks><see cref="LayerInfo.Inputs"/> names two or more layers, all of shape <paramref name="Output"/>.</remarks>
public sealed record AddLayerInfo(string Name, TensorShape Input, TensorShape Output) : LayerInfo(Name, Input, Output);

/// <summary>
/// A concatenation of two or more layers' outputs (Keras' Concatenate with axis −1): images along their channels
/// (they agree in height and width; the first input's channels come first), flat vectors end to end.
/// </summary>
/// <param name="Name">The layer's name.</param>
/// <param name="Input">The shape of one sample's first input.</param>
/// <param name="Output">The shape of one sample's output: the inputs' channels (or sizes) added up.</param>
/// <remarks><see cref="LayerInfo.Inputs"/> names two or more layers.</remarks>
public sealed record ConcatenateLayerInfo(string Name, TensorShape Input, TensorShape Output) : LayerInfo(Name, Input, Output);

/// <summary>
/// Batch normalisation per channel of an image or per feature of a flat vector: y = γ · (x − μ) / √(σ² + ε) + β,
/// with the running statistics as μ and σ² in inference. γ and β are trained parameters; the running mean and
/// variance are non-trainable state, in a buffer of their own.
/// </summary>
/// <param name="Name">The layer's name.</param>
/// <param name="Input">The shape of one sample's input.</param>
/// <param name="Output">The shape of one sample's output (the input's).</param>
/// <param name="Momentum">How much of the running statistics each training batch keeps, in Keras' convention (0.9 is PyTorch's momentum 0.1).</param>
/// <param name="Epsilon">Added to the variance before the square root.</param>
/// <param name="WeightsOffset">Where γ [C] starts in the parameter buffer.</param>
/// <param name="BiasesOffset">Where β [C] starts in the parameter buffer.</param>
/// <param name="RunningMeanOffset">Where the running mean [C] starts in the state buffer.</param>
/// <param name="RunningVarianceOffset">Where the running variance [C] starts in the state buffer.</param>
public sealed record BatchNormalizationLayerInfo(string Name, TensorShape Input, TensorShape Output, float Momentum, float Epsilon,
    int WeightsOffset, int BiasesOffset, int RunningMeanOffset, int RunningVarianceOffset) : LayerInfo(Name, Input, Output)
{
    /// <summary>The channels of an image, or the features of a flat vector: the length of γ, β and the running statistics.</summary>
    public int Channels => Input.IsImage ? Input.Channels : Input.Size;
}

/// <summary>A standalone activation (Keras' Activation layer), applied element-wise (Softmax: over a flat vector).</summary>
/// <param name="Name">The layer's name.</param>
/// <param name="Input">The shape of one sample's input.</param>
/// <param name="Output">The shape of one sample's output (the input's).</param>
/// <param name="Activation">The activation.</param>
/// <param name="Slope">The LeakyReLU slope; 0 for other activations.</param>
public sealed record ActivationLayerInfo(string Name, TensorShape Input, TensorShape Output, Activation Activation, float Slope)
    : LayerInfo(Name, Input, Output);

/// <summary>The mean of each channel over all pixels (Keras' GlobalAveragePooling2D): an image [H, W, C] becomes a flat [C].</summary>
/// <param name="Name">The layer's name.</param>
/// <param name="Input">The shape of one sample's input, an image.</param>
/// <param name="Output">The shape of one sample's output, flat [C].</param>
public sealed record GlobalAveragePooling2DLayerInfo(string Name, TensorShape Input, TensorShape Output) : LayerInfo(Name, Input, Output);

/// <summary>2-D average pooling, channel by channel.</summary>
/// <param name="Name">The layer's name.</param>
/// <param name="Input">The shape of one sample's input.</param>
/// <param name="Output">The shape of one sample's output.</param>
/// <param name="Geometry">Window, stride, padding and sizes (Channels is both the input's and the output's).</param>
/// <param name="CountIncludePad">False: each window's sum is divided by the number of its positions inside the image
/// (Keras); true: by the window's area, padded positions counting as zeros (PyTorch's default).</param>
public sealed record AveragePooling2DLayerInfo(string Name, TensorShape Input, TensorShape Output, ConvGeometry Geometry, bool CountIncludePad)
    : LayerInfo(Name, Input, Output);

/// <summary>
/// A depthwise 2-D convolution, channels-last, then its activation: input channel c is convolved with its own
/// <paramref name="DepthMultiplier"/> kernels, giving output channels c·M + m (as PyTorch's Conv2d(C, C·M, groups = C)).
/// </summary>
/// <param name="Name">The layer's name.</param>
/// <param name="Input">The shape of one sample's input.</param>
/// <param name="Output">The shape of one sample's output.</param>
/// <param name="Geometry">Window, stride, padding and sizes (Channels is the input's).</param>
/// <param name="DepthMultiplier">Output channels per input channel, M.</param>
/// <param name="Activation">The activation after the convolution.</param>
/// <param name="Slope">The LeakyReLU slope; 0 for other activations.</param>
/// <param name="WeightsOffset">Where W [KernelHeight, KernelWidth, Channels, DepthMultiplier] (row-major, Keras' depthwise kernel) starts in the parameter buffer.</param>
/// <param name="BiasesOffset">Where b [Channels·DepthMultiplier] starts in the parameter buffer.</param>
public sealed record DepthwiseConv2DLayerInfo(string Name, TensorShape Input, TensorShape Output, ConvGeometry Geometry, int DepthMultiplier,
    Activation Activation, float Slope, int WeightsOffset, int BiasesOffset) : LayerInfo(Name, Input, Output)
{
    /// <summary>Output channels: Channels · DepthMultiplier.</summary>
    public int Filters => Output.Channels;
}
