namespace ModelGen;

/// <summary>
/// An optimizer with a momentum term that a schedule may set before each step (<see cref="OneCycleSchedule"/> cycles
/// it, as PyTorch's OneCycleLR does): SGD's μ, Adam's and AdamW's β1.
/// </summary>
public interface IMomentumOptimizer
{
    /// <summary>SGD's μ, or Adam's and AdamW's β1: in [0, 1). A value set applies from the next step on.</summary>
    float Momentum { get; set; }
}
