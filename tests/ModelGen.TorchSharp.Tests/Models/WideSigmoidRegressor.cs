namespace ModelGen.ReferenceTests.Models;

/// <summary>Wide and shallow: 300 → 256 Sigmoid → 7 Tanh, mean squared error (Loss.Auto picks it for a non-softmax output).</summary>
[Model]
[Input(300)]
[Dense(256, Activation.Sigmoid, Name = "Wide")]
[Dense(7, Activation.Tanh, Name = "Output")]
public partial class WideSigmoidRegressor : IGeneratedModel
{
    private readonly Workspace _workspace = new(ReferenceBatch.MaxSize);

    ReadOnlySpan<float> IGeneratedModel.Forward(ReferenceBatch batch) { Forward(_workspace, batch.Inputs); return _workspace.Outputs; }
    float IGeneratedModel.Loss(ReferenceBatch batch) => ComputeLoss(_workspace, batch.Targets);
    void IGeneratedModel.Backward(ReferenceBatch batch) => Backward(_workspace, batch.Targets);
    float IGeneratedModel.TrainStep(ReferenceBatch batch, Optimizer optimizer) => TrainStep(_workspace, batch.Inputs, batch.Targets, optimizer);
}
