namespace ModelGen;

/// <summary>
/// Declares a concatenation along the channels of two or more layers' outputs (Keras' Concatenate with
/// axis −1): images must agree in height and width, and the output has the sum of their channels, the first
/// input's first; flat inputs are joined end to end. In backward each input receives its own slice of dy.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class ConcatenateAttribute(params string[] inputs) : LayerAttribute
{
    /// <summary>The layers whose outputs are joined, in order.</summary>
    public string[] Inputs { get; } = inputs;
}
