namespace ModelGen.Samples.Mnist.Training;

/// <summary>One epoch's figures: the running training loss and accuracy, the test results, and the time taken.</summary>
/// <param name="Seconds">The training pass alone.</param>
/// <param name="EvaluationSeconds">The pass over the test set after it.</param>
public sealed record EpochMetrics(int Epoch, double TrainLoss, double TrainAccuracy, double TestLoss, double TestAccuracy,
    double Seconds, double EvaluationSeconds);

/// <summary>Every hyper-parameter of a run, so that metrics.json alone says how to repeat it.</summary>
public sealed record Hyperparameters(int Epochs, int BatchSize, double LearningRate, string Optimizer, ulong Seed,
    string Loss, string Initialization, string Shuffle);

/// <summary>Where the data came from and how much of it there was.</summary>
public sealed record DataSummary(string Folder, int TrainImages, int TestImages);

/// <summary>What metrics.json holds: the final test results, the history, the timings and the recipe.</summary>
/// <param name="Network">The --network name: mlp or cnn.</param>
/// <param name="Model">The generated model's class name.</param>
/// <param name="Spec">The model's spec, as saved in the model file.</param>
public sealed record TrainingMetrics(
    string Network,
    string Model,
    string Spec,
    int ParameterCount,
    Hyperparameters Hyperparameters,
    DataSummary Data,
    double TestAccuracy,
    double TestLoss,
    double TotalSeconds,
    IReadOnlyList<EpochMetrics> History);
