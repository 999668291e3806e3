namespace ModelGen;

/// <summary>
/// Adam with decoupled weight decay (Loshchilov and Hutter), in PyTorch's <c>torch.optim.AdamW</c> form: each step
/// first shrinks every decayed parameter, p ← p·(1 − lr·λ), then takes <see cref="Adam"/>'s step, so the decay is not
/// scaled by the moments as an L2 term in the gradient would be. λ is PyTorch's default 0.01; β1, β2 and ε are this
/// library's Adam's (Keras' 0.9, 0.999, 1e-7; PyTorch's ε is 1e-8).
/// </summary>
/// <remarks>
/// The factor 1 − lr·λ is computed in double from the step's learning rate (a schedule's, when one sets it) and
/// rounded to float, as PyTorch's <c>mul_</c> by a Python number does. With λ = 0, or on ranges a
/// <see cref="DecayMask"/> leaves out, the update is Adam's to the bit. The update is one pass over the parameters,
/// gradients and moments, split across the cores from a million parameters, with no subnormal float ever read or
/// made (see <see cref="Adam"/>).
/// </remarks>
public sealed class AdamW : Optimizer, IMomentumOptimizer
{
    private float[]? _m, _v;
    private float _beta1;

    /// <summary>AdamW with the given hyper-parameters.</summary>
    /// <param name="learningRate">The step size; positive and finite.</param>
    /// <param name="weightDecay">λ: each step multiplies the decayed parameters by 1 − lr·λ; 0 or more and finite (PyTorch's default 0.01).</param>
    /// <param name="beta1">Decay of the first-moment estimate, in [0, 1).</param>
    /// <param name="beta2">Decay of the second-moment estimate, in [0, 1).</param>
    /// <param name="epsilon">Added to the denominator for numerical stability; positive and finite.</param>
    public AdamW(float learningRate = 1e-3f, float weightDecay = 0.01f, float beta1 = 0.9f, float beta2 = 0.999f, float epsilon = 1e-7f) : base(learningRate)
    {
        WeightDecay = weightDecay >= 0f && float.IsFinite(weightDecay) ? weightDecay
            : throw new ArgumentOutOfRangeException(nameof(weightDecay), weightDecay, "The weight decay must be 0 or a positive, finite number.");
        _beta1 = Adam.CheckBeta1(beta1, nameof(beta1));
        Beta2 = beta2 >= 0f && beta2 < 1f ? beta2 : throw new ArgumentOutOfRangeException(nameof(beta2), beta2, "β2 must be in [0, 1).");
        Epsilon = epsilon > 0f && float.IsFinite(epsilon) ? epsilon : throw new ArgumentOutOfRangeException(nameof(epsilon), epsilon, "ε must be positive and finite.");
    }

    /// <summary>λ, the decoupled weight decay.</summary>
    public float WeightDecay { get; }

    /// <summary>
    /// Which parameters decay; null (the default): all of them, as PyTorch's AdamW on a model's <c>parameters()</c>.
    /// <see cref="DecayMask.WeightsOnly"/> leaves out biases and BatchNormalization's scale and shift.
    /// </summary>
    public DecayMask? DecayMask { get; init; }

    /// <summary>Decay of the first-moment estimate, in [0, 1); a schedule that cycles momentum sets it before each step.</summary>
    public float Beta1
    {
        get => _beta1;
        set => _beta1 = Adam.CheckBeta1(value, nameof(Beta1));
    }

    /// <summary>Decay of the second-moment estimate.</summary>
    public float Beta2 { get; }

    /// <summary>Added to the denominator for numerical stability.</summary>
    public float Epsilon { get; }

    /// <summary>β1, the term a schedule that cycles momentum sets.</summary>
    float IMomentumOptimizer.Momentum { get => Beta1; set => Beta1 = value; }

    private static readonly string[] s_stateNames = ["exp_avg", "exp_avg_sq"];

    /// <inheritdoc />
    protected internal override IReadOnlyList<string> StateNames => s_stateNames;

    /// <inheritdoc />
    protected internal override ref float[]? StateBuffer(string name)
    {
        if (name == "exp_avg") return ref _m;
        if (name == "exp_avg_sq") return ref _v;
        return ref base.StateBuffer(name);
    }

    /// <inheritdoc />
    protected override void Update(Span<float> parameters, ReadOnlySpan<float> gradients, long stepNumber)
    {
        DecayMask?.CheckFits(parameters.Length);
        float[] m = State(ref _m, parameters.Length);
        float[] v = State(ref _v, parameters.Length);
        (float stepSize, float scaledEpsilon) = Adam.StepSize(LearningRate, Beta1, Beta2, Epsilon, stepNumber);
        float keep = (float)(1.0 - (double)LearningRate * WeightDecay);
        Span<int> everything = stackalloc int[] { 0, parameters.Length };
        ReadOnlySpan<int> decayed = DecayMask is null ? everything : DecayMask.Edges;
        AdamKernel.Update(parameters, gradients, m, v, Beta1, Beta2, stepSize, scaledEpsilon, keep, decayed);
    }
}
