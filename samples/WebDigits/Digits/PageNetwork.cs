
namespace ModelGen.Samples.WebDigits.Digits;

/// <summary>
/// One of the page's networks behind a type-free face: the page switches between the MLP, the convnet and
/// the ResNet, whose generated classes and workspaces are different types.
/// </summary>
internal abstract class PageNetwork
{
    /// <summary>The name the page selects it by: mlp, cnn or resnet (the MNIST sample's --network names).</summary>
    public abstract string Name { get; }

    /// <summary>Images per "teach it" training step: the drawing's copies plus the replayed MNIST digits.</summary>
    public abstract int TeachBatch { get; }

    /// <summary>Replaces the parameters (and running statistics) with those of the model file <paramref name="path"/>.</summary>
    public abstract void Load(string path);

    /// <summary>The ten class probabilities for one 28×28 input.</summary>
    public abstract void Predict(ReadOnlySpan<float> input, Span<float> probabilities);

    /// <summary>One training step on a batch (784 floats per image), with the network's own optimizer; the batch's mean loss.</summary>
    public abstract float TrainStep(ReadOnlySpan<float> inputs, ReadOnlySpan<int> labels);

    /// <summary>Forgets the optimizer's moments, as after loading a file.</summary>
    public abstract void ResetOptimizer();
}

/// <summary>A <see cref="PageNetwork"/> for one generated classifier.</summary>
internal sealed class PageNetwork<TModel, TWorkspace>(string name, TModel model, int teachBatch) : PageNetwork
    where TModel : IClassifier<TWorkspace> where TWorkspace : IWorkspace
{
    // Made on first use: a network the visitor never teaches never pays for a training workspace.
    private TWorkspace? _workspace;
    private Optimizer _optimizer = NewOptimizer();

    public override string Name => name;

    public override int TeachBatch => teachBatch;

    public override void Load(string path)
    {
        model.Load(path);
        ResetOptimizer();
    }

    public override void Predict(ReadOnlySpan<float> input, Span<float> probabilities) => model.Predict(input, probabilities);

    public override float TrainStep(ReadOnlySpan<float> inputs, ReadOnlySpan<int> labels)
    {
        _workspace ??= model.CreateWorkspace(teachBatch);
        return model.TrainStep(_workspace, inputs, labels, _optimizer);
    }

    public override void ResetOptimizer() => _optimizer = NewOptimizer();

    // Adam at Keras' default rate: big enough that a few steps move a confident answer, small enough that the
    // replayed digits keep what the network knew.
    private static Adam NewOptimizer() => new(1e-3f);
}
