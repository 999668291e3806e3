namespace ModelGen;

/// <summary>
/// Updates a model's flat parameter buffer from its flat gradient buffer. Optimizers are runtime
/// objects, not part of a model's declaration; one instance serves one model (its state, if any,
/// is sized to that model's parameter count on the first step).
/// </summary>
public abstract class Optimizer
{
    /// <summary>The step size.</summary>
    public float LearningRate { get; set; }

    /// <summary>How many steps have been taken.</summary>
    public long Steps { get; private set; }

    /// <summary>Creates an optimizer with the given step size.</summary>
    protected Optimizer(float learningRate)
    {
        if (!(learningRate > 0f) || float.IsInfinity(learningRate))
            throw new ArgumentOutOfRangeException(nameof(learningRate), learningRate, "The learning rate must be a positive, finite number.");
        LearningRate = learningRate;
    }

    /// <summary>Applies one update: <paramref name="parameters"/> -= f(<paramref name="gradients"/>, state).</summary>
    public void Step(Span<float> parameters, ReadOnlySpan<float> gradients)
    {
        if (parameters.Length != gradients.Length)
            throw new ArgumentException($"{gradients.Length} gradients for {parameters.Length} parameters.", nameof(gradients));
        Steps++;
        Update(parameters, gradients, Steps);
    }

    /// <summary>Applies step number <paramref name="stepNumber"/> (1-based).</summary>
    protected abstract void Update(Span<float> parameters, ReadOnlySpan<float> gradients, long stepNumber);

    /// <summary>Returns a state buffer of <paramref name="length"/> zeros, allocating it on first use only.</summary>
    protected static float[] State(ref float[]? buffer, int length)
    {
        if (buffer is null) return buffer = new float[length];
        if (buffer.Length != length)
            throw new InvalidOperationException($"This optimizer holds state for {buffer.Length} parameters and cannot step a model with {length}; use one optimizer per model.");
        return buffer;
    }
}
