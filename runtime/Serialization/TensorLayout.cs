namespace ModelGen.Serialization;

/// <summary>Where one named tensor lives in a model's flat parameter buffer, and its shape.</summary>
public sealed class TensorLayout(string name, int offset, params int[] shape)
{
    /// <summary>The tensor's name in saved files, e.g. "Hidden.weight".</summary>
    public string Name { get; } = name;

    /// <summary>The index of its first element in the parameter buffer.</summary>
    public int Offset { get; } = offset;

    /// <summary>Its dimensions, outermost first; weights are [inputs, units].</summary>
    public IReadOnlyList<int> Shape { get; } = shape;

    /// <summary>The number of elements: the product of the dimensions.</summary>
    public int Length { get; } = shape.Aggregate(1, (product, dimension) => checked(product * dimension));

    // Placeholders until the PyTorch layouts land: these save the tensors as stored.
    /// <summary>A Dense layer's W, stored [inputs, units].</summary>
    public static TensorLayout Linear(string name, int offset, int inputs, int units) => new(name, offset, inputs, units);

    /// <summary>A Dense layer's W after a Flatten of an image, stored [height·width·channels, units].</summary>
    public static TensorLayout LinearAfterImage(string name, int offset, int height, int width, int channels, int units) => new(name, offset, height * width * channels, units);

    /// <summary>A Conv2D layer's W, stored [kh, kw, in, filters].</summary>
    public static TensorLayout Conv2D(string name, int offset, int kernelHeight, int kernelWidth, int inChannels, int filters) => new(name, offset, kernelHeight, kernelWidth, inChannels, filters);
}
