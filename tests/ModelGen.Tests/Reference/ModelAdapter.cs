using ModelGen.Tests.Models;

namespace ModelGen.Tests.Reference;

/// <summary>
/// Gives tests one shape for every generated model: its buffers, its generated Forward / ComputeLoss /
/// Backward bound to a workspace, and the independent double-precision reference of the same network.
/// Generated models share no interface (their API is typed per model), so each gets a factory below.
/// </summary>
public sealed class ModelAdapter
{
    public required string Name { get; init; }
    public required ReferenceNetwork Reference { get; init; }
    public required float[] Parameters { get; init; }
    public required float[] Gradients { get; init; }
    public required Action<float[]> Forward { get; init; }
    public required Func<float[]> Outputs { get; init; }
    public required Func<int[]?, float[]?, float> Loss { get; init; }
    public required Action<int[]?, float[]?> Backward { get; init; }
    public required Func<int[]?, float[]?, Optimizer, float[], float> TrainStep { get; init; }

    public override string ToString() => Name;

    private const RefActivation R = RefActivation.ReLU, L = RefActivation.LeakyReLU, S = RefActivation.Sigmoid,
        T = RefActivation.Tanh, I = RefActivation.Identity, Soft = RefActivation.Softmax;

    public static readonly string[] Names =
    [
        nameof(ReluSoftmaxNet), nameof(LeakyTanhSoftmaxNet), nameof(SigmoidTanhLinearNet),
        nameof(LinearSigmoidNet), nameof(ReluTanhMseNet), nameof(SigmoidLeakyMseNet), nameof(WideNet), nameof(MnistMlp),
    ];

    public static ModelAdapter Create(string name, ulong seed, int capacity) => name switch
    {
        nameof(ReluSoftmaxNet) => Classifier(new ReluSoftmaxNet(seed), new ReluSoftmaxNet.Workspace(capacity), w => w.Outputs.ToArray(),
            new ReferenceNetwork(5, [new(5, 7, R), new(7, 4, Soft)], true)),
        nameof(LeakyTanhSoftmaxNet) => Classifier(new LeakyTanhSoftmaxNet(seed), new LeakyTanhSoftmaxNet.Workspace(capacity), w => w.Outputs.ToArray(),
            new ReferenceNetwork(4, [new(4, 6, L, 0.1f), new(6, 5, T), new(5, 3, Soft)], true)),
        nameof(WideNet) => Classifier(new WideNet(seed), new WideNet.Workspace(capacity), w => w.Outputs.ToArray(),
            new ReferenceNetwork(70, [new(70, 131, R), new(131, 72, T), new(72, 9, Soft)], true)),
        nameof(MnistMlp) => Classifier(new MnistMlp(seed), new MnistMlp.Workspace(capacity), w => w.Outputs.ToArray(),
            new ReferenceNetwork(784, [new(784, 128, R), new(128, 10, Soft)], true)),
        nameof(SigmoidTanhLinearNet) => Regressor(new SigmoidTanhLinearNet(seed), new SigmoidTanhLinearNet.Workspace(capacity), w => w.Outputs.ToArray(),
            new ReferenceNetwork(3, [new(3, 5, S), new(5, 4, T), new(4, 2, I)], false)),
        nameof(LinearSigmoidNet) => Regressor(new LinearSigmoidNet(seed), new LinearSigmoidNet.Workspace(capacity), w => w.Outputs.ToArray(),
            new ReferenceNetwork(4, [new(4, 6, I), new(6, 3, S)], false)),
        nameof(ReluTanhMseNet) => Regressor(new ReluTanhMseNet(seed), new ReluTanhMseNet.Workspace(capacity), w => w.Outputs.ToArray(),
            new ReferenceNetwork(3, [new(3, 4, R), new(4, 2, T)], false)),
        nameof(SigmoidLeakyMseNet) => Regressor(new SigmoidLeakyMseNet(seed), new SigmoidLeakyMseNet.Workspace(capacity), w => w.Outputs.ToArray(),
            new ReferenceNetwork(3, [new(3, 5, S), new(5, 3, L, 0.2f)], false)),
        _ => throw new ArgumentException("Unknown test model " + name, nameof(name)),
    };

    private static ModelAdapter Classifier<TWorkspace>(IClassifier<TWorkspace> model, TWorkspace workspace,
        Func<TWorkspace, float[]> outputs, ReferenceNetwork reference) where TWorkspace : IWorkspace => new()
    {
        Name = model.GetType().Name,
        Reference = reference,
        Parameters = model.Parameters,
        Gradients = model.Gradients,
        Forward = inputs => model.Forward(workspace, inputs),
        Outputs = () => outputs(workspace),
        Loss = (labels, _) => model.ComputeLoss(workspace, labels!),
        Backward = (labels, _) => model.Backward(workspace, labels!),
        TrainStep = (labels, _, optimizer, inputs) => model.TrainStep(workspace, inputs, labels!, optimizer),
    };

    private static ModelAdapter Regressor<TWorkspace>(IRegressor<TWorkspace> model, TWorkspace workspace,
        Func<TWorkspace, float[]> outputs, ReferenceNetwork reference) where TWorkspace : IWorkspace => new()
    {
        Name = model.GetType().Name,
        Reference = reference,
        Parameters = model.Parameters,
        Gradients = model.Gradients,
        Forward = inputs => model.Forward(workspace, inputs),
        Outputs = () => outputs(workspace),
        Loss = (_, targets) => model.ComputeLoss(workspace, targets!),
        Backward = (_, targets) => model.Backward(workspace, targets!),
        TrainStep = (_, targets, optimizer, inputs) => model.TrainStep(workspace, inputs, targets!, optimizer),
    };
}
