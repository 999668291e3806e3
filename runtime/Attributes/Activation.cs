namespace ModelGen;

/// <summary>The activation applied to a layer's output, or by an [Activation] layer.</summary>
/// <remarks>The numeric values are part of the generator's contract: do not reorder.</remarks>
public enum Activation
{
    /// <summary>No activation: y = z (Keras "linear").</summary>
    Identity = 0,
    /// <summary>y = max(z, 0).</summary>
    ReLU = 1,
    /// <summary>y = z for z &gt; 0, slope·z otherwise; the slope is <see cref="DenseAttribute.Slope"/>.</summary>
    LeakyReLU = 2,
    /// <summary>y = 1 / (1 + e^-z).</summary>
    Sigmoid = 3,
    /// <summary>y = tanh(z).</summary>
    Tanh = 4,
    /// <summary>y_i = e^z_i / Σ_j e^z_j over the layer's units; last layer only.</summary>
    Softmax = 5,
    /// <summary>y = min(max(z, 0), 6) (MobileNet's ReLU6; PyTorch's nn.ReLU6, ONNX's Clip(0, 6)).</summary>
    ReLU6 = 6,
}
