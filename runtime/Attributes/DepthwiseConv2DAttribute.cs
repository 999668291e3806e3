namespace ModelGen;

/// <summary>
/// Declares a depthwise 2-D convolution over a [height, width, channels] input (Keras' DepthwiseConv2D;
/// PyTorch's Conv2d with groups = channels): each input channel c is convolved with its own
/// <see cref="DepthMultiplier"/> kernels, giving output channels c·DepthMultiplier + m:
/// y[i, j, c·M + m] = activation(b[c·M + m] + Σ_{di, dj} x[i·stride + di − padTop, j·stride + dj − padLeft, c] · W[di, dj, c, m]),
/// with W of shape [kernelHeight, kernelWidth, channels, DepthMultiplier] (Keras' depthwise kernel layout).
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class DepthwiseConv2DAttribute : LayerAttribute
{
    /// <summary>A square <paramref name="kernelSize"/> × <paramref name="kernelSize"/> kernel.</summary>
    public DepthwiseConv2DAttribute(int kernelSize, Activation activation = Activation.Identity)
        : this(kernelSize, kernelSize, activation) { }

    /// <summary>A <paramref name="kernelHeight"/> × <paramref name="kernelWidth"/> kernel.</summary>
    public DepthwiseConv2DAttribute(int kernelHeight, int kernelWidth, Activation activation = Activation.Identity)
    {
        KernelHeight = kernelHeight;
        KernelWidth = kernelWidth;
        Activation = activation;
    }

    /// <summary>The kernel's rows.</summary>
    public int KernelHeight { get; }

    /// <summary>The kernel's columns.</summary>
    public int KernelWidth { get; }

    /// <summary>The activation applied after the convolution.</summary>
    public Activation Activation { get; }

    /// <summary>Output channels per input channel (default 1).</summary>
    public int DepthMultiplier { get; set; } = 1;

    /// <summary>The step between windows, the same along rows and columns (default 1).</summary>
    public int Stride { get; set; } = 1;

    /// <summary><see cref="Padding.Valid"/> (the default, as in Keras) or <see cref="Padding.Same"/>.</summary>
    public Padding Padding { get; set; } = Padding.Valid;

    /// <summary>The negative-side slope of <see cref="Activation.LeakyReLU"/> (default 0.01, as PyTorch).</summary>
    public float Slope { get; set; } = 0.01f;

    /// <summary>Whether the layer adds a bias per output channel (default true).</summary>
    public bool UseBias { get; set; } = true;
}
