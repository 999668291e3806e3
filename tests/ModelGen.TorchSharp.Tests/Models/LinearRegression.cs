namespace ModelGen.ReferenceTests.Models;

/// <summary>One layer, no activation: plain linear regression, 9 → 4, mean squared error.</summary>
[Model(Loss = Loss.MeanSquaredError)]
[Input(9)]
[Dense(4, Name = "Linear")]
public partial class LinearRegression : IGeneratedModel
{
    private readonly Workspace _workspace = new(ReferenceBatch.MaxSize);

    ReadOnlySpan<float> IGeneratedModel.Forward(ReferenceBatch batch) { Forward(_workspace, batch.Inputs); return _workspace.Outputs; }
    float IGeneratedModel.Loss(ReferenceBatch batch) => ComputeLoss(_workspace, batch.Targets);
    void IGeneratedModel.Backward(ReferenceBatch batch) => Backward(_workspace, batch.Targets);
    float IGeneratedModel.TrainStep(ReferenceBatch batch, Optimizer optimizer) => TrainStep(_workspace, batch.Inputs, batch.Targets, optimizer);
}
