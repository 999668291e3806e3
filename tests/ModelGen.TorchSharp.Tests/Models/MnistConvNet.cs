namespace ModelGen.ReferenceTests.Models;

/// <summary>
/// The Keras MNIST convnet: 28×28×1 → Conv 32 3×3 ReLU → pool 2 → Conv 64 3×3 ReLU → pool 2 → Flatten →
/// Dropout 0.5 → Dense 10 softmax. Default layer names (Conv1, Pool1, Conv2, Pool2, Flatten1, Dropout1, Dense1).
/// </summary>
[Model]
[Input(28, 28, 1)]
[Conv2D(32, 3, Activation.ReLU)]
[MaxPool2D(2)]
[Conv2D(64, 3, Activation.ReLU)]
[MaxPool2D(2)]
[Flatten]
[Dropout(0.5)]
[Dense(10, Activation.Softmax)]
public partial class MnistConvNet : IConvModel
{
    // Room for the MNIST lockstep's batches of 128 as well as the reference tests' batches.
    private readonly Workspace _workspace = new(128);

    ReadOnlySpan<float> IGeneratedModel.Forward(ReferenceBatch batch) { Forward(_workspace, batch.Inputs); return _workspace.Outputs; }
    ReadOnlySpan<float> IConvModel.ForwardTraining(ReferenceBatch batch) { Forward(_workspace, batch.Inputs, training: true); return _workspace.Outputs; }
    float IGeneratedModel.Loss(ReferenceBatch batch) => ComputeLoss(_workspace, batch.Labels);
    void IGeneratedModel.Backward(ReferenceBatch batch) => Backward(_workspace, batch.Labels);
    float IGeneratedModel.TrainStep(ReferenceBatch batch, Optimizer optimizer) => TrainStep(_workspace, batch.Inputs, batch.Labels, optimizer);
    IReadOnlyDictionary<string, float[]>? IConvModel.DropoutMasks() =>
        _workspace.Training ? new Dictionary<string, float[]> { ["Dropout1"] = _workspace.Dropout1Mask.ToArray() } : null;
}
