namespace ModelGen.ReferenceTests.Models;

/// <summary>The MNIST network: 784 → 128 ReLU → 10 softmax, sparse categorical cross-entropy.</summary>
[Model]
[Input(784)]
[Dense(128, Activation.ReLU, Name = "Hidden")]
[Dense(10, Activation.Softmax, Name = "Output")]
public partial class MnistMlp : IGeneratedModel
{
    private readonly Workspace _workspace = new(ReferenceBatch.MaxSize);

    ReadOnlySpan<float> IGeneratedModel.Forward(ReferenceBatch batch) { Forward(_workspace, batch.Inputs); return _workspace.Outputs; }
    float IGeneratedModel.Loss(ReferenceBatch batch) => ComputeLoss(_workspace, batch.Labels);
    void IGeneratedModel.Backward(ReferenceBatch batch) => Backward(_workspace, batch.Labels);
    float IGeneratedModel.TrainStep(ReferenceBatch batch, Optimizer optimizer) => TrainStep(_workspace, batch.Inputs, batch.Labels, optimizer);
}
