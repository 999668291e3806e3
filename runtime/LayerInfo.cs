namespace ModelGen;

/// <summary>One dense layer of a generated model, as data (generated models list theirs in <c>Layers</c>).</summary>
/// <param name="Name">The layer's name, as declared.</param>
/// <param name="Inputs">Features in: the previous layer's units, or the input size.</param>
/// <param name="Units">Features out.</param>
/// <param name="Activation">The activation after the affine map.</param>
/// <param name="Slope">The LeakyReLU slope; 0 for other activations.</param>
/// <param name="WeightsOffset">Where W [Inputs, Units] (row-major) starts in the parameter buffer.</param>
/// <param name="BiasesOffset">Where b [Units] starts in the parameter buffer.</param>
public sealed record LayerInfo(string Name, int Inputs, int Units, Activation Activation, float Slope, int WeightsOffset, int BiasesOffset);
