namespace ModelGen;

/// <summary>
/// Declares a fully connected layer, y = activation(x·W + b), with W of shape [inputs, units]
/// (Keras' kernel layout) and b of shape [units]. Its input must be flat: after [Input(n)], another
/// [Dense], or [Flatten].
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class DenseAttribute(int units, Activation activation = Activation.Identity) : LayerAttribute
{
    /// <summary>The number of output units.</summary>
    public int Units { get; } = units;

    /// <summary>The activation applied after the affine map.</summary>
    public Activation Activation { get; } = activation;

    /// <summary>The negative-side slope of <see cref="Activation.LeakyReLU"/> (default 0.01, as PyTorch).</summary>
    public float Slope { get; set; } = 0.01f;

    /// <summary>Whether the layer adds a bias b (default true; false before a [BatchNormalization], as PyTorch's bias=False).</summary>
    public bool UseBias { get; set; } = true;
}
