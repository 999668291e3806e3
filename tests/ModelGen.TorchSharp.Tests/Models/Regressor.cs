namespace ModelGen.ReferenceTests.Models;

/// <summary>
/// A 3-output regression network: ReLU, LeakyReLU with the default slope (0.01), a linear output, mean
/// squared error. The layers keep their default names (Dense1, Dense2, Dense3).
/// </summary>
[Model(Loss = Loss.MeanSquaredError)]
[Input(13)]
[Dense(48, Activation.ReLU)]
[Dense(24, Activation.LeakyReLU)]
[Dense(3)]
public partial class Regressor : IGeneratedModel
{
    private readonly Workspace _workspace = new(ReferenceBatch.MaxSize);

    ReadOnlySpan<float> IGeneratedModel.Forward(ReferenceBatch batch) { Forward(_workspace, batch.Inputs); return _workspace.Outputs; }
    float IGeneratedModel.Loss(ReferenceBatch batch) => ComputeLoss(_workspace, batch.Targets);
    void IGeneratedModel.Backward(ReferenceBatch batch) => Backward(_workspace, batch.Targets);
    float IGeneratedModel.TrainStep(ReferenceBatch batch, Optimizer optimizer) => TrainStep(_workspace, batch.Inputs, batch.Targets, optimizer);
}
