namespace ModelGen;

/// <summary>
/// Adam (Kingma and Ba) with Keras' default hyper-parameters (lr 1e-3, β1 0.9, β2 0.999, ε 1e-7),
/// computed in the paper's and PyTorch's form:
/// m ← β1·m + (1 − β1)·g; v ← β2·v + (1 − β2)·g²;
/// p ← p − (lr / (1 − β1^t)) · m / (√v / √(1 − β2^t) + ε).
/// (Keras adds ε to √v before the bias correction; the two differ only in ε's scale early on.)
/// </summary>
/// <remarks>
/// The update is one pass over the parameters, gradients and moments, split across the cores from a million
/// parameters, with no subnormal float ever read or made (see <see cref="AdamKernel"/>). <see cref="AdamW"/> is the
/// same update with decoupled weight decay.
/// </remarks>
public sealed class Adam : Optimizer, IMomentumOptimizer
{
    private float[]? _m, _v;
    private float _beta1;

    /// <summary>Adam with the given hyper-parameters (Keras' defaults).</summary>
    /// <param name="learningRate">The step size; positive and finite.</param>
    /// <param name="beta1">Decay of the first-moment estimate, in [0, 1).</param>
    /// <param name="beta2">Decay of the second-moment estimate, in [0, 1).</param>
    /// <param name="epsilon">Added to the denominator for numerical stability; positive and finite.</param>
    public Adam(float learningRate = 1e-3f, float beta1 = 0.9f, float beta2 = 0.999f, float epsilon = 1e-7f) : base(learningRate)
    {
        _beta1 = CheckBeta1(beta1, nameof(beta1));
        Beta2 = beta2 >= 0f && beta2 < 1f ? beta2 : throw new ArgumentOutOfRangeException(nameof(beta2), beta2, "β2 must be in [0, 1).");
        Epsilon = epsilon > 0f && float.IsFinite(epsilon) ? epsilon : throw new ArgumentOutOfRangeException(nameof(epsilon), epsilon, "ε must be positive and finite.");
    }

    /// <summary>Decay of the first-moment estimate, in [0, 1); a schedule that cycles momentum sets it before each step.</summary>
    /// <remarks>As in PyTorch, the bias correction 1 − β1^t of step t uses the β1 of that step.</remarks>
    public float Beta1
    {
        get => _beta1;
        set => _beta1 = CheckBeta1(value, nameof(Beta1));
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
        float[] m = State(ref _m, parameters.Length);
        float[] v = State(ref _v, parameters.Length);
        (float stepSize, float scaledEpsilon) = StepSize(LearningRate, Beta1, Beta2, Epsilon, stepNumber);
        AdamKernel.Update(parameters, gradients, m, v, Beta1, Beta2, stepSize, scaledEpsilon, keep: 1f, decayed: default);
    }

    /// <summary>β1 itself, or the one-line error for a value outside [0, 1).</summary>
    internal static float CheckBeta1(float beta1, string name) =>
        beta1 >= 0f && beta1 < 1f ? beta1 : throw new ArgumentOutOfRangeException(name, beta1, "β1 must be in [0, 1).");

    /// <summary>
    /// The bias-corrected step size and ε of step <paramref name="stepNumber"/> (1-based), in double: β^t for large t
    /// must not lose the small difference from 1.
    /// lr/(1 − β1^t) · m / (√v/√(1 − β2^t) + ε) = [lr·√(1 − β2^t)/(1 − β1^t)] · m / (√v + ε·√(1 − β2^t)):
    /// the same update with one square root and one division per parameter.
    /// </summary>
    internal static (float StepSize, float ScaledEpsilon) StepSize(float learningRate, float beta1, float beta2, float epsilon, long stepNumber) =>
        ((float)(learningRate * Math.Sqrt(1.0 - Math.Pow(beta2, stepNumber)) / (1.0 - Math.Pow(beta1, stepNumber))),
         (float)(epsilon * Math.Sqrt(1.0 - Math.Pow(beta2, stepNumber))));
}
