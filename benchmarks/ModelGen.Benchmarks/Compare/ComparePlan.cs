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
    /// <para>The ResNet rows: 3 timed passes of 100 batches of 128 (12,800 images, about a fifth of an
    /// epoch: a whole ResNet-20 epoch takes minutes per engine on 2 cores), 3 bulk passes over the test set.</para>
    public static ComparePlan Quick { get; } = new(3, 5, 200, 5, 2000, 5, 1, 3, 6_000, 2_000)
    {
        ResNetEpochRepetitions = 3, ResNetTrainBatches = 100, ResNetBulkRepetitions = 3, ResNetTestImages = 2_000,
    };

    /// <summary>
    /// More repetitions, full passes over the data: a minute or two for the MLP rows, plus the convnet
    /// epochs, which take tens of seconds each per engine (so only 3 of them).
    /// </summary>
    /// <para>The ResNet rows: 3 whole epochs (468 batches of 128), 5 bulk passes.</para>
    public static ComparePlan Full { get; } = new(7, 9, 1000, 9, 10_000, 9, 3, 3, 60_000, 10_000)
    {
        ResNetEpochRepetitions = 3, ResNetTrainBatches = 0, ResNetBulkRepetitions = 5, ResNetTestImages = 10_000,
    };

    /// <summary>Timed ResNet training passes per engine (--resnet-repetitions).</summary>
    public int ResNetEpochRepetitions { get; init; }

    /// <summary>Batches per timed ResNet pass, 0 for a whole epoch (--resnet-batches).</summary>
    public int ResNetTrainBatches { get; init; }

    /// <summary>Timed ResNet bulk-inference passes over the test set per engine.</summary>
    public int ResNetBulkRepetitions { get; init; }

    /// <summary>Test images for the ResNet accuracies printed after the timed passes.</summary>
    public int ResNetTestImages { get; init; }

    /// <summary>The ResNet row's batch size, as the MNIST sample's ResNet recipe.</summary>
    public const int ResNetBatchSize = 128;

    /// <summary>Test images per ONNX Runtime Run in the ResNet bulk row.</summary>
    public const int ResNetOnnxChunk = 500;

    /// <summary>The batch size of the training rows, as in issue 6.</summary>
    public const int BatchSize = 32;

    /// <summary>The convnet row's batch size, Keras' MNIST convnet example's.</summary>
    public const int ConvBatchSize = 128;
}
