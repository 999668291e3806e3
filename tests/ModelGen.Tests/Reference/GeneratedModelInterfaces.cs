namespace ModelGen.Tests.Reference;

// The generated members of a model, as interfaces the test models declare: the generated methods
// implement them implicitly, so generic test code can call the typed, generated API directly.

public interface IGeneratedModel<TWorkspace>
{
    float[] Parameters { get; }
    float[] Gradients { get; }
    void Forward(TWorkspace workspace, ReadOnlySpan<float> inputs);
}

public interface IClassifier<TWorkspace> : IGeneratedModel<TWorkspace>
{
    float ComputeLoss(TWorkspace workspace, ReadOnlySpan<int> labels);
    void Backward(TWorkspace workspace, ReadOnlySpan<int> labels);
    float TrainStep(TWorkspace workspace, ReadOnlySpan<float> inputs, ReadOnlySpan<int> labels, Optimizer optimizer);
}

public interface IRegressor<TWorkspace> : IGeneratedModel<TWorkspace>
{
    float ComputeLoss(TWorkspace workspace, ReadOnlySpan<float> targets);
    void Backward(TWorkspace workspace, ReadOnlySpan<float> targets);
    float TrainStep(TWorkspace workspace, ReadOnlySpan<float> inputs, ReadOnlySpan<float> targets, Optimizer optimizer);
}
