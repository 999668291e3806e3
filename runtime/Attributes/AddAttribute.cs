namespace ModelGen;

/// <summary>
/// Declares an element-wise sum of two or more layers' outputs of one shape (Keras' Add): a residual
/// connection, y = x₁ + x₂ + …. Each input is named by its layer's <see cref="LayerAttribute.Name"/> (or the
/// input's name, or <see cref="Block.Input"/> inside a block). In backward each input receives dy whole.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class AddAttribute(params string[] inputs) : LayerAttribute
{
    /// <summary>The layers whose outputs are summed, in order.</summary>
    public string[] Inputs { get; } = inputs;
}
