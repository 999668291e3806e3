namespace ModelGen;

/// <summary>
/// Declares 2-D average pooling over a [height, width, channels] input (Keras' AveragePooling2D): each output
/// value is the mean of its window, channel by channel. With <see cref="Padding.Same"/>, padded positions are
/// left out of the mean (Keras' and TensorFlow's rule) unless <see cref="CountIncludePad"/> is set (PyTorch's
/// default for nn.AvgPool2d, where they count as zeros).
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class AveragePooling2DAttribute : LayerAttribute
{
    private int? _stride;

    /// <summary>A square <paramref name="poolSize"/> × <paramref name="poolSize"/> window.</summary>
    public AveragePooling2DAttribute(int poolSize) : this(poolSize, poolSize) { }

    /// <summary>A <paramref name="poolHeight"/> × <paramref name="poolWidth"/> window.</summary>
    public AveragePooling2DAttribute(int poolHeight, int poolWidth)
    {
        PoolHeight = poolHeight;
        PoolWidth = poolWidth;
    }

    /// <summary>The window's rows.</summary>
    public int PoolHeight { get; }

    /// <summary>The window's columns.</summary>
    public int PoolWidth { get; }

    /// <summary>The step between windows, the same along rows and columns; when not set, the window itself (as in Keras).</summary>
    public int Stride
    {
        get => _stride ?? PoolHeight;
        set => _stride = value;
    }

    /// <summary><see cref="Padding.Valid"/> (the default, as in Keras) or <see cref="Padding.Same"/>.</summary>
    public Padding Padding { get; set; } = Padding.Valid;

    /// <summary>Whether padded positions count (as zeros) in each window's mean (default false, as Keras).</summary>
    public bool CountIncludePad { get; set; }
}
