namespace ModelGen.Samples.Mnist.Training;

/// <summary>The optimizers the sample offers.</summary>
public enum OptimizerKind
{
    /// <summary>Adam with Keras' defaults.</summary>
    Adam,

    /// <summary>Plain stochastic gradient descent.</summary>
    Sgd,
}

/// <summary>The hyper-parameters of a training run; with the same values, a run is bit-for-bit repeatable.</summary>
public sealed record TrainingOptions(int Epochs, int BatchSize, double LearningRate, OptimizerKind Optimizer, ulong Seed)
{
    /// <summary>The classic recipe, the MLP's: 10 epochs of Adam at 1e-3 on batches of 32.</summary>
    public static TrainingOptions Default { get; } = new(10, 32, DefaultLearningRate(OptimizerKind.Adam), OptimizerKind.Adam, 42);

    /// <summary>Keras' convnet example's recipe: 15 epochs of Adam at 1e-3 on batches of 128.</summary>
    public static TrainingOptions ConvNet { get; } = Default with { Epochs = 15, BatchSize = 128 };

    /// <summary>ResNet-20's recipe here: 8 epochs of Adam at 1e-3 on batches of 128.</summary>
    public static TrainingOptions ResNet { get; } = Default with { Epochs = 8, BatchSize = 128 };

    /// <summary>Keras' default step size for each optimizer: 1e-3 for Adam, 1e-2 for SGD.</summary>
    public static double DefaultLearningRate(OptimizerKind optimizer) => optimizer == OptimizerKind.Adam ? 1e-3 : 1e-2;

    /// <summary>The optimizer's name as the command line spells it.</summary>
    public string OptimizerName => Optimizer.ToString().ToLowerInvariant();

    /// <summary>A fresh optimizer with these settings, for one model.</summary>
    public Optimizer CreateOptimizer() => Optimizer switch
    {
        OptimizerKind.Adam => new Adam((float)LearningRate),
        _ => new Sgd((float)LearningRate),
    };
}
