namespace ModelGen;

/// <summary>
/// Declares a 2-D convolution over a [height, width, channels] input (Keras' Conv2D, channels-last):
/// y[i, j, f] = activation(b[f] + Σ_{di, dj, c} x[i·stride + di − padTop, j·stride + dj − padLeft, c] · W[di, dj, c, f]),
/// with W of shape [kernelHeight, kernelWidth, inputChannels, filters] (Keras' kernel layout) and b of shape [filters].
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class Conv2DAttribute : LayerAttribute
{
    /// <summary>A square <paramref name="kernelSize"/> × <paramref name="kernelSize"/> kernel.</summary>
    public Conv2DAttribute(int filters, int kernelSize, Activation activation = Activation.Identity)
        : this(filters, kernelSize, kernelSize, activation) { }

    /// <summary>A <paramref name="kernelHeight"/> × <paramref name="kernelWidth"/> kernel.</summary>
    public Conv2DAttribute(int filters, int kernelHeight, int kernelWidth, Activation activation = Activation.Identity)
    {
        Filters = filters;
        KernelHeight = kernelHeight;
        KernelWidth = kernelWidth;
        Activation = activation;
    }

    /// <summary>The number of output channels.</summary>
    public int Filters { get; }

    /// <summary>The kernel's rows.</summary>
    public int KernelHeight { get; }

    /// <summary>The kernel's columns.</summary>
    public int KernelWidth { get; }

    /// <summary>The activation applied after the convolution.</summary>
    public Activation Activation { get; }

    /// <summary>The step between windows, the same along rows and columns (default 1).</summary>
    public int Stride { get; set; } = 1;

    /// <summary><see cref="Padding.Valid"/> (the default, as in Keras) or <see cref="Padding.Same"/>.</summary>
    public Padding Padding { get; set; } = Padding.Valid;

    /// <summary>The negative-side slope of <see cref="Activation.LeakyReLU"/> (default 0.01, as PyTorch).</summary>
    public float Slope { get; set; } = 0.01f;

    /// <summary>Whether the layer adds a bias b (default true; false before a [BatchNormalization], as PyTorch's bias=False).</summary>
    public bool UseBias { get; set; } = true;
}
