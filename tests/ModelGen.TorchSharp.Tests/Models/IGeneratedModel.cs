namespace ModelGen.ReferenceTests.Models;

/// <summary>
/// The generated API the reference tests drive, the same for every test model. Each model's own file
/// implements it in a few lines over the generated members (one Workspace per model, sized for the
/// largest test batch), so the tests can treat every architecture alike.
/// </summary>
public interface IGeneratedModel
{
    /// <summary>The generated flat parameter buffer: per layer, W [inputs, units] row-major, then b.</summary>
    float[] Parameters { get; }

    /// <summary>The generated flat gradient buffer, same layout as <see cref="Parameters"/>.</summary>
    float[] Gradients { get; }

    /// <summary>Runs the generated Forward on the batch and returns the outputs (probabilities for a Softmax model).</summary>
    ReadOnlySpan<float> Forward(ReferenceBatch batch);

    /// <summary>The generated ComputeLoss for the batch of the last <see cref="Forward"/>.</summary>
    float Loss(ReferenceBatch batch);

    /// <summary>The generated Backward for the batch of the last <see cref="Forward"/>: fills <see cref="Gradients"/>.</summary>
    void Backward(ReferenceBatch batch);

    /// <summary>The generated TrainStep: forward, loss, backward, optimizer update; returns the loss before the update.</summary>
    float TrainStep(ReferenceBatch batch, Optimizer optimizer);
}
