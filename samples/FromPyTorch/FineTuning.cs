using ModelGen.Training;

namespace ModelGen.Samples.FromPyTorch;

/// <summary>
/// The fine-tuning recipe, the same for both imported models: Adam at 1e-4 (a tenth of the rate the models were
/// trained with in PyTorch, so the steps refine the trained weights instead of shaking them), batches of 128 as in
/// the training scripts, the training set reshuffled from a fixed seed. Fit runs the model in training mode:
/// DigitsResNet's BatchNormalization layers then normalise with each batch's statistics and move their running
/// statistics as PyTorch's do. The digits convnet's export has no Dropout (PyTorch's eval-mode export drops it), so
/// it fine-tunes without it. Same seed, same data: bit-identical parameters (and running statistics). An epoch over
/// the 60,000 training images takes the digits convnet about 11 s on the 2-core build machine, the ResNet about a
/// minute (--train-images shortens it).
/// </summary>
public static class FineTuning
{
    public const int DefaultEpochs = 1;

    public const int MaxEpochs = 100;

    public const float DefaultLearningRate = 1e-4f;

    public const int BatchSize = 128;

    public const ulong DefaultSeed = 1;

    /// <summary>Trains <paramref name="model"/> in place for <paramref name="epochs"/> epochs over <paramref name="train"/>.</summary>
    public static TrainingHistory Run<TWorkspace>(IClassifier<TWorkspace> model, LabeledData train, int epochs = DefaultEpochs,
        float learningRate = DefaultLearningRate, ulong seed = DefaultSeed, IProgress<BatchProgress>? progress = null,
        CancellationToken cancellationToken = default)
        where TWorkspace : IWorkspace
    {
        ArgumentNullException.ThrowIfNull(model);
        return model.Fit(train, new Adam(learningRate), epochs, new FitOptions { BatchSize = BatchSize, Seed = seed }, progress: progress,
            cancellationToken: cancellationToken);
    }
}
