namespace ModelGen.Benchmarks.Compare;

/// <summary>How many repetitions and how much work per repetition each row gets.</summary>
public sealed record ComparePlan(
    int EpochRepetitions,
    int StepRepetitions, int StepsPerRepetition,
    int SingleRepetitions, int ImagesPerRepetition,
    int BulkRepetitions, int BulkCallsPerRepetition)
{
    /// <summary>About half a minute on 2 cores; every row still has 3 or more repetitions for its median.</summary>
    public static ComparePlan Quick { get; } = new(3, 5, 200, 5, 2000, 5, 1);

    /// <summary>A minute or two: more repetitions, full passes over the data.</summary>
    public static ComparePlan Full { get; } = new(7, 9, 1000, 9, 10_000, 9, 3);

    /// <summary>The batch size of the training rows, as in issue 6.</summary>
    public const int BatchSize = 32;
}
