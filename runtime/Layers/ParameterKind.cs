namespace ModelGen;

/// <summary>What a tensor of a model's flat parameter buffer is to its layer (see <see cref="ParameterTensor"/>).</summary>
public enum ParameterKind
{
    /// <summary>A Dense, Conv2D or DepthwiseConv2D layer's weights (kernel).</summary>
    Weights,

    /// <summary>A Dense, Conv2D or DepthwiseConv2D layer's biases (a bias-free layer's stay 0).</summary>
    Biases,

    /// <summary>BatchNormalization's scale γ.</summary>
    Scale,

    /// <summary>BatchNormalization's shift β.</summary>
    Shift,
}
