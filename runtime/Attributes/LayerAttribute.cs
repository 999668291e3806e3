namespace ModelGen;

/// <summary>
/// The base of every layer attribute ([Dense], [Conv2D], [BatchNormalization], [Add], …). Layers run in the
/// order they are declared on the model class, after its [Input]; each reads the layer declared just before
/// it unless it names its <see cref="Input"/>, so a straight chain needs no names and a graph (a residual
/// connection, a branch) names only where it branches.
/// </summary>
public abstract class LayerAttribute : Attribute
{
    /// <summary>
    /// The layer's name: a C# identifier used for the generated members (<c>HiddenWeights</c>, …) and the
    /// saved tensor names (<c>Hidden.weight</c>). Defaults to the kind and its position among layers of that
    /// kind: <c>Dense1</c>, <c>Conv1</c>, <c>Pool1</c>, <c>Flatten1</c>, <c>Dropout1</c>, ….
    /// </summary>
    public string? Name { get; set; }

    /// <summary>
    /// The layer (by <see cref="Name"/>) whose output this layer reads, or the input's name ("input" unless
    /// [Input] names it): any layer declared before this one. Defaults to the layer declared just before.
    /// Layers with several inputs ([Add], [Concatenate]) take them in their constructor instead.
    /// </summary>
    public string? Input { get; set; }
}
