namespace ModelGen.Training;

/// <summary>Reported after each training step: where the epoch is and its running mean loss and accuracy.</summary>
/// <param name="Epoch">1-based, counted over the trainer's life.</param>
/// <param name="Batch">1-based within the epoch.</param>
/// <param name="Batches">Batches in a full epoch.</param>
/// <param name="Samples">Samples trained on so far in this epoch.</param>
/// <param name="Loss">Mean loss over those samples, each batch's loss taken before its step.</param>
/// <param name="Accuracy">Fraction of those samples classified right by their batch's forward pass (training mode), 0..1; NaN for a regressor.</param>
/// <param name="LearningRate">The optimizer's learning rate for this step (a <see cref="FitOptions.Schedule"/>'s rate, or the optimizer's own).</param>
public readonly record struct BatchProgress(int Epoch, int Batch, int Batches, int Samples, double Loss, double Accuracy, double LearningRate);
