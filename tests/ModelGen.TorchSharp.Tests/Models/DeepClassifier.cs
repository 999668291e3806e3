namespace ModelGen.ReferenceTests.Models;

/// <summary>
/// Five layers, narrowing, with every hidden activation: Tanh, LeakyReLU (slope 0.2), Identity, Sigmoid,
/// then a 5-class softmax with sparse categorical cross-entropy.
/// </summary>
[Model]
[Input(20)]
[Dense(64, Activation.Tanh, Name = "Tanh64")]
[Dense(32, Activation.LeakyReLU, Name = "Leaky32", Slope = 0.2f)]
[Dense(24, Activation.Identity, Name = "Linear24")]
[Dense(16, Activation.Sigmoid, Name = "Sigmoid16")]
[Dense(5, Activation.Softmax, Name = "Output")]
public partial class DeepClassifier : IGeneratedModel
{
    private readonly Workspace _workspace = new(ReferenceBatch.MaxSize);

    ReadOnlySpan<float> IGeneratedModel.Forward(ReferenceBatch batch) { Forward(_workspace, batch.Inputs); return _workspace.Outputs; }
    float IGeneratedModel.Loss(ReferenceBatch batch) => ComputeLoss(_workspace, batch.Labels);
    void IGeneratedModel.Backward(ReferenceBatch batch) => Backward(_workspace, batch.Labels);
    float IGeneratedModel.TrainStep(ReferenceBatch batch, Optimizer optimizer) => TrainStep(_workspace, batch.Inputs, batch.Labels, optimizer);
}
