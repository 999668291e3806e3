namespace ModelGen.Training;

/// <summary>One pass over the training set: its running figures at the end, and how long it took.</summary>
/// <param name="Epoch">1-based, counted over the trainer's life.</param>
/// <param name="Batches">Steps taken.</param>
/// <param name="Samples">Samples trained on.</param>
/// <param name="Loss">Mean loss over those samples, each batch's loss taken before its step.</param>
/// <param name="Accuracy">Fraction of those samples classified right by their batch's forward pass (training mode), 0..1; NaN for a regressor.</param>
/// <param name="Seconds">How long the pass took.</param>
/// <param name="Diverged">A step's loss was NaN or infinite; the epoch stopped there.</param>
/// <param name="LearningRate">The optimizer's learning rate for the epoch's last step (a <see cref="FitOptions.Schedule"/>'s rate, or the optimizer's own).</param>
public readonly record struct EpochResult(int Epoch, int Batches, int Samples, double Loss, double Accuracy, double Seconds, bool Diverged, double LearningRate);
