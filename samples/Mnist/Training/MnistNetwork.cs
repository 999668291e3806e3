using ModelGen.Samples.Mnist.Data;

namespace ModelGen.Samples.Mnist.Training;

/// <summary>
/// One network the sample can train: its name on the command line, its spec (which identifies it in a
/// model file), its training recipe, and factories that hide its workspace type from the command line.
/// </summary>
public sealed class MnistNetwork
{
    private readonly Func<ulong, IClassifier> _create;
    private readonly Func<IClassifier, TrainingOptions, MnistSet, Trainer> _trainer;
    private readonly Func<IClassifier, Evaluator> _evaluator;

    private MnistNetwork(string name, string modelName, string spec, string summary, TrainingOptions recipe, int maxBatchSize,
        Func<ulong, IClassifier> create, Func<IClassifier, TrainingOptions, MnistSet, Trainer> trainer, Func<IClassifier, Evaluator> evaluator)
    {
        Name = name;
        ModelName = modelName;
        Spec = spec;
        Summary = summary;
        Recipe = recipe;
        MaxBatchSize = maxBatchSize;
        _create = create;
        _trainer = trainer;
        _evaluator = evaluator;
    }

    /// <summary>784 → 128 ReLU → 10 softmax, trained with the classic recipe: Adam 1e-3, batch 32, 10 epochs.</summary>
    public static MnistNetwork Mlp { get; } = Describe<MnistMlp, MnistMlp.Workspace>(
        "mlp", nameof(MnistMlp), MnistMlp.Spec, "784 → 128 ReLU → 10 softmax",
        TrainingOptions.Default, MnistMlp.Workspace.MaxCapacity, seed => new MnistMlp(seed));

    /// <summary>Keras' convnet example, trained with its recipe: Adam 1e-3, batch 128, 15 epochs.</summary>
    public static MnistNetwork Cnn { get; } = Describe<MnistConvNet, MnistConvNet.Workspace>(
        "cnn", nameof(MnistConvNet), MnistConvNet.Spec, "28×28×1 → conv 32 3×3 ReLU → pool 2 → conv 64 3×3 ReLU → pool 2 → dropout 0.5 → 10 softmax",
        TrainingOptions.ConvNet, MnistConvNet.Workspace.MaxCapacity, seed => new MnistConvNet(seed),
        // A convnet's activations take ~100 times an MLP's per image: smaller test passes keep the workspace modest.
        evaluationBatchSize: 250);

    /// <summary>ResNet-20 with BatchNormalization and global average pooling: Adam 1e-3, batch 128, 8 epochs.</summary>
    public static MnistNetwork ResNet { get; } = Describe<MnistResNet, MnistResNet.Workspace>(
        "resnet", nameof(MnistResNet), MnistResNet.Spec,
        "28×28×1 → ResNet-20: conv 16 + BN + ReLU → 3 stages × 3 residual blocks (16, 32, 64 filters) → global average pool → 10 softmax",
        TrainingOptions.ResNet, MnistResNet.Workspace.MaxCapacity, seed => new MnistResNet(seed),
        // A ResNet's activations take about 1 MB per image in training: evaluate in small passes.
        evaluationBatchSize: 100);

    /// <summary>Every network, the default first.</summary>
    public static IReadOnlyList<MnistNetwork> All { get; } = [Mlp, Cnn, ResNet];

    /// <summary>The default network.</summary>
    public static MnistNetwork Default => Mlp;

    /// <summary>The name --network takes.</summary>
    public string Name { get; }

    /// <summary>The generated model's class name.</summary>
    public string ModelName { get; }

    /// <summary>The generated model's spec, saved in its model files.</summary>
    public string Spec { get; }

    /// <summary>The layers in a few words, for the recipe line.</summary>
    public string Summary { get; }

    /// <summary>The network's default hyper-parameters.</summary>
    public TrainingOptions Recipe { get; }

    /// <summary>The network's recipe for <paramref name="dataset"/> (a <see cref="KnownDatasets"/> name, or null for any other).</summary>
    public TrainingOptions RecipeFor(string? dataset) =>
        dataset == KnownDatasets.FashionMnist && this == ResNet ? TrainingOptions.ResNetFashion : Recipe;

    /// <summary>The largest batch a workspace can hold.</summary>
    public int MaxBatchSize { get; }

    /// <summary>The names --network accepts, as its help and errors list them.</summary>
    public static string Names => string.Join('|', All.Select(n => n.Name));

    /// <summary>The names as a sentence lists them: "mlp, cnn or resnet".</summary>
    public static string NamesInWords => string.Join(", ", All.Take(All.Count - 1).Select(n => n.Name)) + " or " + All[^1].Name;

    /// <summary>The network called <paramref name="name"/> (any case), or null.</summary>
    public static MnistNetwork? Find(string? name) =>
        All.FirstOrDefault(n => string.Equals(n.Name, name, StringComparison.OrdinalIgnoreCase));

    /// <summary>The network whose spec is <paramref name="spec"/>, or null.</summary>
    public static MnistNetwork? FromSpec(string? spec) => All.FirstOrDefault(n => n.Spec == spec);

    /// <summary>A new model with parameters initialised from <paramref name="seed"/>.</summary>
    public IClassifier Create(ulong seed) => _create(seed);

    /// <summary>A trainer for <paramref name="model"/>, one of this network's.</summary>
    public Trainer CreateTrainer(IClassifier model, TrainingOptions options, MnistSet train) => _trainer(model, options, train);

    /// <summary>An evaluator for <paramref name="model"/>, one of this network's.</summary>
    public Evaluator CreateEvaluator(IClassifier model) => _evaluator(model);

    private static MnistNetwork Describe<TModel, TWorkspace>(string name, string modelName, string spec, string summary,
        TrainingOptions recipe, int maxBatchSize, Func<ulong, TModel> create, int evaluationBatchSize = EvaluationBatchSize)
        where TModel : IClassifier<TWorkspace> where TWorkspace : IWorkspace =>
        new(name, modelName, spec, summary, recipe, maxBatchSize, seed => create(seed),
            (model, options, train) => Trainer.Create((TModel)model, options, train),
            model => Evaluator.Create((TModel)model, evaluationBatchSize));

    // Large batches amortise the per-call overhead; the MLP's published figures were measured with 500.
    private const int EvaluationBatchSize = 500;
}
