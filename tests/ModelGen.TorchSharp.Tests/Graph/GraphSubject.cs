using ModelGen.ReferenceTests.Models;
using ModelGen.TestModels;

namespace ModelGen.ReferenceTests.Graph;

/// <summary>A generated graph model with a workspace, behind one non-generic face (each model has its own Workspace type).</summary>
public interface IGraphSubject
{
    /// <summary>The model's name, as declared.</summary>
    string Name { get; }

    /// <summary>The generated model.</summary>
    IClassifier Model { get; }

    /// <summary>Values per input sample.</summary>
    int InputSize { get; }

    /// <summary>Classes.</summary>
    int OutputSize { get; }

    /// <summary>Forward (training mode: BatchNormalization uses the batch's statistics and moves the running ones); returns the outputs.</summary>
    float[] Forward(ReferenceBatch batch, bool training);

    /// <summary>The mean loss of the last Forward.</summary>
    float Loss(ReferenceBatch batch);

    /// <summary>Backward of the last Forward: fills Model.Gradients.</summary>
    void Backward(ReferenceBatch batch);

    /// <summary>One training step; returns the loss before it.</summary>
    float TrainStep(ReferenceBatch batch, Optimizer optimizer);

    /// <summary>A fresh instance of the same model (seed 0), e.g. to carry values through Save.</summary>
    IGraphSubject Another();
}

/// <summary>The generated graph models of Models/GraphModels.cs.</summary>
public static class GraphModels
{
    /// <summary>Workspace capacity: the batches here have 8 samples.</summary>
    public const int Capacity = 8;

    /// <summary>The generated model of that name, initialised from <paramref name="seed"/>.</summary>
    public static IGraphSubject Create(string name, ulong seed = 0) => name switch
    {
        "TinyResNet" => new GraphSubject<TinyResNet.Workspace>(name, new TinyResNet(seed), () => new TinyResNet()),
        "InvertedResidual" => new GraphSubject<InvertedResidual.Workspace>(name, new InvertedResidual(seed), () => new InvertedResidual()),
        "TwoBranches" => new GraphSubject<TwoBranches.Workspace>(name, new TwoBranches(seed), () => new TwoBranches()),
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "Not a graph model."),
    };

    /// <summary>A batch of random inputs in [-1, 1) and labels from ModelGen's xoshiro256**.</summary>
    public static ReferenceBatch Batch(IGraphSubject subject, int size, ulong seed)
    {
        var random = new Xoshiro256StarStar(seed);
        var inputs = new float[size * subject.InputSize];
        for (int i = 0; i < inputs.Length; i++) inputs[i] = 2f * random.NextSingle() - 1f;
        var labels = new int[size];
        for (int i = 0; i < size; i++) labels[i] = random.NextInt32(subject.OutputSize);
        return new ReferenceBatch(size, inputs, labels, null);
    }
}

internal sealed class GraphSubject<TWorkspace>(string name, IClassifier<TWorkspace> model, Func<IClassifier<TWorkspace>> factory) : IGraphSubject
    where TWorkspace : IWorkspace
{
    private readonly TWorkspace _workspace = model.CreateWorkspace(GraphModels.Capacity);

    public string Name => name;
    public IClassifier Model => model;
    public int InputSize => model.InputSize;
    public int OutputSize => model.OutputSize;

    public float[] Forward(ReferenceBatch batch, bool training)
    {
        model.Forward(_workspace, batch.Inputs, training);
        return _workspace.Outputs.ToArray();
    }

    public float Loss(ReferenceBatch batch) => model.ComputeLoss(_workspace, batch.Labels);

    public void Backward(ReferenceBatch batch) => model.Backward(_workspace, batch.Labels);

    public float TrainStep(ReferenceBatch batch, Optimizer optimizer) => model.TrainStep(_workspace, batch.Inputs, batch.Labels, optimizer);

    public IGraphSubject Another() => new GraphSubject<TWorkspace>(name, factory(), factory);
}
