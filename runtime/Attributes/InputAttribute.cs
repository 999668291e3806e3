namespace ModelGen;

/// <summary>Declares the size of one input sample (a flat vector of <paramref name="size"/> floats).</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class InputAttribute(int size) : Attribute
{
    /// <summary>The number of input features per sample.</summary>
    public int Size { get; } = size;
}
