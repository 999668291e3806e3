namespace ModelGen.Training;

/// <summary>How a <see cref="ClassifierTrainer{TWorkspace}"/> draws its batches. With the same options, data and model seed, training is bit-for-bit repeatable.</summary>
public sealed record FitOptions
{
    /// <summary>Keras' default batch size.</summary>
    public const int DefaultBatchSize = 32;

    /// <summary>
    /// Samples per evaluation pass. Large batches amortise the per-call overhead; the batch size also
    /// fixes how the loss is summed, so keep it when comparing figures bit for bit.
    /// </summary>
    public const int DefaultEvaluationBatchSize = 500;

    /// <summary>Samples per training step; the last batch of an epoch holds the remainder.</summary>
    public int BatchSize { get; init; } = DefaultBatchSize;

    /// <summary>Seeds the shuffles (xoshiro256**). The same value as the model's seed is fine: the shuffle stream is kept apart.</summary>
    public ulong Seed { get; init; }

    /// <summary>Reshuffle the training set before each epoch (Keras' default); false keeps the data's order.</summary>
    public bool Shuffle { get; init; } = true;

    /// <summary>Samples per pass when evaluating the validation set.</summary>
    public int EvaluationBatchSize { get; init; } = DefaultEvaluationBatchSize;
}
