namespace ModelGen;

/// <summary>
/// Declares inverted dropout (Keras' Dropout): in training (<c>TrainStep</c>, or <c>Forward</c> with
/// <c>training: true</c>) each value is zeroed with probability <paramref name="rate"/> and the others are
/// scaled by 1 / (1 − rate); in inference it passes its input through unchanged. The masks come from the
/// model's own seeded generator, so training stays bit-reproducible.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class DropoutAttribute(double rate) : LayerAttribute
{
    /// <summary>The fraction of values dropped in training, in [0, 1).</summary>
    public double Rate { get; } = rate;
}
