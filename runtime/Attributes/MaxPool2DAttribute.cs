namespace ModelGen;

/// <summary>
/// Declares 2-D max pooling over a [height, width, channels] input (Keras' MaxPooling2D): each output value
/// is the largest input value in its window, channel by channel. The gradient flows to the position of
/// that maximum only (the first one, in row-major window order, on ties, as in PyTorch).
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class MaxPool2DAttribute : LayerAttribute
{
    private int? _stride;

    /// <summary>A square <paramref name="poolSize"/> × <paramref name="poolSize"/> window.</summary>
    public MaxPool2DAttribute(int poolSize) : this(poolSize, poolSize) { }

    /// <summary>A <paramref name="poolHeight"/> × <paramref name="poolWidth"/> window.</summary>
    public MaxPool2DAttribute(int poolHeight, int poolWidth)
    {
        PoolHeight = poolHeight;
        PoolWidth = poolWidth;
    }

    /// <summary>The window's rows.</summary>
    public int PoolHeight { get; }

    /// <summary>The window's columns.</summary>
    public int PoolWidth { get; }

    /// <summary>
    /// The step between windows, the same along rows and columns. When it is not set, the step is the
    /// window itself (<see cref="StrideHeight"/> = <see cref="PoolHeight"/>, <see cref="StrideWidth"/> =
    /// <see cref="PoolWidth"/>): windows that tile the image, as in Keras.
    /// </summary>
    public int Stride
    {
        get => _stride ?? PoolHeight;
        set => _stride = value;
    }

    /// <summary>The step between window rows.</summary>
    public int StrideHeight => _stride ?? PoolHeight;

    /// <summary>The step between window columns.</summary>
    public int StrideWidth => _stride ?? PoolWidth;

    /// <summary><see cref="Padding.Valid"/> (the default, as in Keras) or <see cref="Padding.Same"/>.</summary>
    public Padding Padding { get; set; } = Padding.Valid;
}
