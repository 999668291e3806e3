namespace ModelGen;

/// <summary>
/// Declares a fully connected layer, y = activation(x·W + b), with W of shape [inputs, units]
/// (Keras' kernel layout) and b of shape [units]. Layers run in the order they are declared.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class DenseAttribute(int units, Activation activation = Activation.Identity) : Attribute
{
    /// <summary>The number of output units.</summary>
    public int Units { get; } = units;

    /// <summary>The activation applied after the affine map.</summary>
    public Activation Activation { get; } = activation;

    /// <summary>
    /// The layer's name: a C# identifier used for the generated members (<c>HiddenWeights</c>, …)
    /// and the saved tensor names. Defaults to <c>Dense1</c>, <c>Dense2</c>, … by position.
    /// </summary>
    public string? Name { get; set; }

    /// <summary>The negative-side slope of <see cref="Activation.LeakyReLU"/> (default 0.01, as PyTorch).</summary>
    public float Slope { get; set; } = 0.01f;
}
