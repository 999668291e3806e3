namespace ModelGen;

/// <summary>
/// Declares batch normalisation (Keras' BatchNormalization, PyTorch's BatchNorm2d/BatchNorm1d), per channel
/// of an image or per feature of a flat vector: y = γ · (x − μ) / √(σ² + ε) + β. In training μ and σ² are the
/// batch's mean and biased variance, and the running statistics move towards them as PyTorch moves them
/// (running mean ← Momentum · running mean + (1 − Momentum) · μ, and the same for the running variance with
/// the unbiased batch variance); in inference (Predict, Forward without training) the running statistics are
/// used. γ and β are trained; the running statistics and the count of batches are saved but never trained.
/// </summary>
/// <remarks>
/// The defaults are PyTorch's (momentum 0.1 in PyTorch's convention, which is 0.9 in Keras' convention used
/// here; ε = 1e-5), so a saved file loads into nn.BatchNorm2d() and evaluates the same. Keras' own defaults
/// are Momentum = 0.99 and Epsilon = 1e-3.
/// </remarks>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class BatchNormalizationAttribute : LayerAttribute
{
    /// <summary>How much of the running statistics each training batch keeps, in [0, 1] (Keras' convention; default 0.9).</summary>
    public float Momentum { get; set; } = 0.9f;

    /// <summary>Added to the variance before the square root; must be positive (default 1e-5).</summary>
    public float Epsilon { get; set; } = 1e-5f;
}
