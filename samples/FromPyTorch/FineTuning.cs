using ModelGen.Training;

namespace ModelGen.Samples.FromPyTorch;

/// <summary>
/// The fine-tuning recipe: Adam at 1e-4 (a tenth of the rate the model was trained with in PyTorch, so an
/// epoch refines the trained weights instead of shaking them), batches of 128 as in train_digits.py, the
/// training set reshuffled from a fixed seed. The exported graph has no Dropout (PyTorch's eval-mode export
/// drops it), so fine-tuning runs without it. Same seed, same data: bit-identical parameters.
/// </summary>
public static class FineTuning
{
    public const int DefaultEpochs = 1;

    public const int MaxEpochs = 100;

    public const float DefaultLearningRate = 1e-4f;

    public const int BatchSize = 128;

    public const ulong DefaultSeed = 1;

    /// <summary>Trains <paramref name="model"/> in place for <paramref name="epochs"/> epochs over <paramref name="train"/>.</summary>
    public static TrainingHistory Run(Digits model, LabeledData train, int epochs = DefaultEpochs, float learningRate = DefaultLearningRate,
        ulong seed = DefaultSeed, IProgress<BatchProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        return model.Fit(train, new Adam(learningRate), epochs, new FitOptions { BatchSize = BatchSize, Seed = seed }, progress: progress,
            cancellationToken: cancellationToken);
    }
}
