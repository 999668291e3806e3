namespace ModelGen;

/// <summary>
/// Marks a <c>partial class</c> as a network for the ModelGen source generator, which emits its
/// forward and backward passes, loss, parameter buffers and training step at compile time.
/// The layers are given by one <see cref="InputAttribute"/> followed by layer attributes ([Dense], [Conv2D],
/// [MaxPool2D], [Flatten], [Dropout]),
/// in declaration order.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class ModelAttribute : Attribute
{
    /// <summary>The training loss; <see cref="Loss.Auto"/> picks it from the output activation.</summary>
    public Loss Loss { get; set; } = Loss.Auto;
}
