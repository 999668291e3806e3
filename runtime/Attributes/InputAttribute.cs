namespace ModelGen;

/// <summary>
/// Declares the shape of one input sample: a flat vector, <c>[Input(784)]</c>, or an image,
/// <c>[Input(28, 28, 1)]</c> (height, width, channels; stored channels-last, row-major, as Keras does).
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class InputAttribute : Attribute
{
    /// <summary>A flat input of <paramref name="size"/> features.</summary>
    public InputAttribute(int size)
    {
        Size = size;
        Height = 1;
        Width = 1;
        Channels = size;
    }

    /// <summary>An image input, [<paramref name="height"/>, <paramref name="width"/>, <paramref name="channels"/>].</summary>
    public InputAttribute(int height, int width, int channels)
    {
        IsImage = true;
        Height = height;
        Width = width;
        Channels = channels;
        Size = height * width * channels;
    }

    /// <summary>Whether the input is an image (declared with height, width and channels).</summary>
    public bool IsImage { get; }

    /// <summary>The number of input values per sample: height × width × channels for an image.</summary>
    public int Size { get; }

    /// <summary>Rows of an image input; 1 for a flat input.</summary>
    public int Height { get; }

    /// <summary>Columns of an image input; 1 for a flat input.</summary>
    public int Width { get; }

    /// <summary>Channels of an image input; the size of a flat input.</summary>
    public int Channels { get; }

    /// <summary>The name layers give as their <see cref="LayerAttribute.Input"/> to read the network's input (default "input").</summary>
    public string Name { get; set; } = "input";
}
