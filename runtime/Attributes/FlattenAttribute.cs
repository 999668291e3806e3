namespace ModelGen;

/// <summary>
/// Declares a flatten: a [height, width, channels] tensor becomes a flat vector of height × width × channels
/// values in the same (channels-last, row-major) order. It moves no data: the next layer reads the same
/// buffer. Required between a convolution or pooling layer and a [Dense] layer.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class FlattenAttribute : LayerAttribute;
