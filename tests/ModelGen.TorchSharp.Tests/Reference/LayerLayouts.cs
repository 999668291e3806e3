namespace ModelGen.ReferenceTests;

/// <summary>A tensor shape per sample: an image [Height, Width, Channels] (channels-last), or flat [Size].</summary>
public sealed record SampleShape(int Height, int Width, int Channels, bool IsImage)
{
    /// <summary>Values per sample.</summary>
    public int Size => Height * Width * Channels;

    /// <summary>A flat shape of <paramref name="size"/> values.</summary>
    public static SampleShape Flat(int size) => new(1, 1, size, false);

    /// <summary>An image shape.</summary>
    public static SampleShape Image(int height, int width, int channels) => new(height, width, channels, true);

    /// <inheritdoc />
    public override string ToString() => IsImage ? $"[{Height}, {Width}, {Channels}]" : $"[{Size}]";
}

/// <summary>
/// Where a window layer's windows fall along one axis, by Keras' rules. Valid: no padding,
/// out = ⌊(in − k) / s⌋ + 1. Same: out = ⌈in / s⌉, total padding max((out − 1)·s + k − in, 0), of which
/// the smaller half goes before (top/left) and the odd extra after (bottom/right).
/// </summary>
public readonly record struct AxisWindow(int Output, int PadBefore, int PadAfter)
{
    /// <summary>Resolves one axis.</summary>
    public static AxisWindow Resolve(int input, int window, int stride, Padding padding)
    {
        if (padding == Padding.Valid)
        {
            if (input < window) throw new ArgumentException($"A {window}-wide window does not fit {input} values without padding.");
            return new AxisWindow((input - window) / stride + 1, 0, 0);
        }
        int output = (input + stride - 1) / stride;
        int total = Math.Max((output - 1) * stride + window - input, 0);
        return new AxisWindow(output, total / 2, total - total / 2);
    }
}

/// <summary>One layer as declared: its name and its per-sample input and output shapes.</summary>
public abstract record LayerLayout(string Name, SampleShape Input, SampleShape Output);

/// <summary>A layer with W then b in the flat parameter buffer.</summary>
public abstract record TrainableLayer(string Name, SampleShape Input, SampleShape Output, Activation Activation, float Slope, int WeightsOffset)
    : LayerLayout(Name, Input, Output)
{
    /// <summary>Values in W.</summary>
    public abstract int WeightsLength { get; }

    /// <summary>Values in b (units or filters).</summary>
    public abstract int BiasesLength { get; }

    /// <summary>b follows W.</summary>
    public int BiasesOffset => WeightsOffset + WeightsLength;

    /// <summary>Where the next layer's W starts.</summary>
    public int End => BiasesOffset + BiasesLength;
}

/// <summary>
/// A dense layer; W is [Inputs, Units] row-major. <paramref name="FlattenedFrom"/> is the image whose
/// flattening (through any dropout) is this layer's input: ModelGen orders those inputs (h, w, c).
/// </summary>
public sealed record DenseLayer(string Name, SampleShape Input, SampleShape Output, Activation Activation, float Slope, int WeightsOffset, SampleShape? FlattenedFrom)
    : TrainableLayer(Name, Input, Output, Activation, Slope, WeightsOffset)
{
    /// <summary>Inputs per sample.</summary>
    public int Inputs => Input.Size;

    /// <summary>Outputs per sample.</summary>
    public int Units => Output.Size;

    /// <inheritdoc />
    public override int WeightsLength => Inputs * Units;

    /// <inheritdoc />
    public override int BiasesLength => Units;
}

/// <summary>A 2-D convolution; W is [KernelHeight, KernelWidth, Input.Channels, Filters] row-major.</summary>
public sealed record ConvLayer(string Name, SampleShape Input, SampleShape Output, Activation Activation, float Slope, int WeightsOffset,
    int KernelHeight, int KernelWidth, int Stride, AxisWindow Rows, AxisWindow Columns)
    : TrainableLayer(Name, Input, Output, Activation, Slope, WeightsOffset)
{
    /// <summary>Output channels.</summary>
    public int Filters => Output.Channels;

    /// <inheritdoc />
    public override int WeightsLength => KernelHeight * KernelWidth * Input.Channels * Filters;

    /// <inheritdoc />
    public override int BiasesLength => Filters;
}

/// <summary>A 2-D max pool.</summary>
public sealed record PoolLayer(string Name, SampleShape Input, SampleShape Output, int PoolHeight, int PoolWidth, int StrideHeight, int StrideWidth,
    AxisWindow Rows, AxisWindow Columns) : LayerLayout(Name, Input, Output);

/// <summary>Flatten: the same values, now flat.</summary>
public sealed record FlattenLayer(string Name, SampleShape Input, SampleShape Output) : LayerLayout(Name, Input, Output);

/// <summary>Dropout at <paramref name="Rate"/>; <paramref name="FlattenedFrom"/> as for <see cref="DenseLayer"/>.</summary>
public sealed record DropoutLayer(string Name, SampleShape Input, SampleShape Output, double Rate, SampleShape? FlattenedFrom)
    : LayerLayout(Name, Input, Output);
