namespace ModelGen;

/// <summary>
/// Declares global average pooling (Keras' GlobalAveragePooling2D): a [height, width, channels] image becomes
/// a flat vector of its channels' means over every pixel.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class GlobalAveragePooling2DAttribute : LayerAttribute;
