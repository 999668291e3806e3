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
}
