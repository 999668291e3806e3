namespace ModelGen.Benchmarks.Compare;

/// <summary>How many repetitions and how much work per repetition each row gets.</summary>
public sealed record ComparePlan(
    int EpochRepetitions,
    int StepRepetitions, int StepsPerRepetition,
    int SingleRepetitions, int ImagesPerRepetition,
    int BulkRepetitions, int BulkCallsPerRepetition,
    int ConvEpochRepetitions, int ConvTrainImages, int ConvTestImages)
{
    /// <summary>
    /// About half a minute on 2 cores for the MLP rows, plus convnet epochs of 6,000 images (a tenth of
    /// MNIST); every row still has 3 or more repetitions for its median.
    /// </summary>
    public static ComparePlan Quick { get; } = new(3, 5, 200, 5, 2000, 5, 1, 3, 6_000, 2_000);

    /// <summary>
    /// More repetitions, full passes over the data: a minute or two for the MLP rows, plus the convnet
    /// epochs, which take tens of seconds each per engine (so only 3 of them).
    /// </summary>
    public static ComparePlan Full { get; } = new(7, 9, 1000, 9, 10_000, 9, 3, 3, 60_000, 10_000);

    /// <summary>The batch size of the training rows, as in issue 6.</summary>
    public const int BatchSize = 32;

    /// <summary>The convnet row's batch size, Keras' MNIST convnet example's.</summary>
    public const int ConvBatchSize = 128;
}
