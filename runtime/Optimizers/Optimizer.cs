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

    private float? _clipGradientNorm;
    private float[]? _clipped;

    /// <summary>
    /// Gradient clipping by global norm, PyTorch's <c>clip_grad_norm_(parameters, max_norm)</c> before each step: with
    /// total = √(Σ g²) over every gradient (summed in double) and scale = max_norm / (total + 1e-6), the step uses
    /// scale · g when scale &lt; 1, and g unchanged otherwise. The caller's gradients are not modified: the scaled copy
    /// lives in a buffer the optimizer allocates on the first clipped step. Null (the default): no clipping, and
    /// <see cref="Step"/> is exactly what it was. Set it to a positive, finite max_norm.
    /// </summary>
    public float? ClipGradientNorm
    {
        get => _clipGradientNorm;
        set => _clipGradientNorm = value is not { } v || (v > 0f && float.IsFinite(v)) ? value
            : throw new ArgumentOutOfRangeException(nameof(ClipGradientNorm), v, "The gradient norm to clip to must be a positive, finite number.");
    }

    /// <summary>√(Σ g²) of the last step's gradients when <see cref="ClipGradientNorm"/> is set (before clipping); 0 otherwise.</summary>
    public float LastGradientNorm { get; private set; }

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
        if (_clipGradientNorm is { } maxNorm) gradients = Clip(gradients, maxNorm);
        Update(parameters, gradients, Steps);
    }

    // torch.nn.utils.clip_grad_norm_: total_norm in float, clip_coef = max_norm / (total_norm + 1e-6), and the gradients
    // multiplied by clip_coef when it is below 1 (multiplying by a clamped 1 changes nothing).
    private ReadOnlySpan<float> Clip(ReadOnlySpan<float> gradients, float maxNorm)
    {
        float total = GradientNorm(gradients);
        LastGradientNorm = total;
        float scale = maxNorm / (total + 1e-6f);
        if (!(scale < 1f)) return gradients;
        float[] clipped = State(ref _clipped, gradients.Length);
        System.Numerics.Tensors.TensorPrimitives.Multiply(gradients, scale, clipped);
        return clipped;
    }

    /// <summary>
    /// √(Σ g²) over <paramref name="gradients"/>, summed in double in four interleaved partial sums (the same order on
    /// every machine, so the same bits), rounded to float: PyTorch's total_norm for <c>clip_grad_norm_</c>.
    /// </summary>
    public static float GradientNorm(ReadOnlySpan<float> gradients)
    {
        double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        int i = 0;
        for (; i <= gradients.Length - 4; i += 4)
        {
            double g0 = gradients[i], g1 = gradients[i + 1], g2 = gradients[i + 2], g3 = gradients[i + 3];
            s0 += g0 * g0; s1 += g1 * g1; s2 += g2 * g2; s3 += g3 * g3;
        }
        for (; i < gradients.Length; i++) { double g = gradients[i]; s0 += g * g; }
        return (float)Math.Sqrt((s0 + s1) + (s2 + s3));
    }

    /// <summary>
    /// The names of the buffers the optimizer carries from one step to the next, PyTorch's where it has them (Adam's
    /// "exp_avg" and "exp_avg_sq", SGD's "momentum_buffer"): what a checkpoint saves besides <see cref="Steps"/>,
    /// <see cref="LearningRate"/> and the momentum term. An optimizer that keeps other state between steps must override
    /// this and <see cref="StateBuffer"/>, or its checkpoints would not resume exactly.
    /// </summary>
    protected internal virtual IReadOnlyList<string> StateNames => [];

    /// <summary>The buffer called <paramref name="name"/>, one of <see cref="StateNames"/>: null until the first step makes it.</summary>
    protected internal virtual ref float[]? StateBuffer(string name) =>
        throw new ArgumentException($"{GetType().Name} keeps no buffer called '{name}'.", nameof(name));

    /// <summary>Sets the counters a checkpoint saved: the steps taken and the last gradient norm.</summary>
    internal void RestoreCounters(long steps, float lastGradientNorm)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(steps);
        Steps = steps;
        LastGradientNorm = lastGradientNorm;
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
