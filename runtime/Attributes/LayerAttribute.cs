namespace ModelGen;

/// <summary>
/// The base of every layer attribute ([Dense], [Conv2D], [MaxPool2D], [Flatten], [Dropout]). Layers run
/// in the order they are declared on the model class, after its [Input].
/// </summary>
public abstract class LayerAttribute : Attribute
{
    /// <summary>
    /// The layer's name: a C# identifier used for the generated members (<c>HiddenWeights</c>, …) and the
    /// saved tensor names (<c>Hidden.weight</c>). Defaults to the kind and its position among layers of that
    /// kind: <c>Dense1</c>, <c>Conv1</c>, <c>Pool1</c>, <c>Flatten1</c>, <c>Dropout1</c>, ….
    /// </summary>
    public string? Name { get; set; }
}
