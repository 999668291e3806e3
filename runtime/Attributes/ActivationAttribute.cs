namespace ModelGen;

/// <summary>
/// Declares an activation as a layer of its own (Keras' Activation layer), so that Conv2D → BatchNormalization
/// → ReLU can be written. Any activation but Softmax, which belongs to the last [Dense] layer.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class ActivationAttribute(Activation activation) : LayerAttribute
{
    /// <summary>The function applied to each value.</summary>
    public Activation Activation { get; } = activation;

    /// <summary>The negative-side slope of <see cref="Activation.LeakyReLU"/> (default 0.01, as PyTorch).</summary>
    public float Slope { get; set; } = 0.01f;
}
