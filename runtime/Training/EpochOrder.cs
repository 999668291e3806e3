namespace ModelGen.Training;

/// <summary>
/// The sample order and batching that every trainer shares: the options checked once, the order
/// reshuffled before each epoch from the seed (xoshiro256**, a stream apart from the model's), and
/// each batch's rows gathered into buffers allocated once.
/// </summary>
internal sealed class EpochOrder
{
    /// <summary>XORed into the seed ("SHUFFLE!"); the MNIST sample's runs since its first release depend on it.</summary>
    public const ulong ShuffleStream = 0x5348_5546_464C_4521;

    private readonly int[] _order;
    private readonly bool _shuffle;
    private Xoshiro256StarStar _random;

    /// <summary>An order over <paramref name="count"/> samples; checks <paramref name="options"/> (null: the defaults).</summary>
    public EpochOrder(int count, FitOptions? options)
    {
        Options = options ?? new FitOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(Options.BatchSize, 1, $"{nameof(options)}.{nameof(FitOptions.BatchSize)}");
        ArgumentOutOfRangeException.ThrowIfLessThan(Options.EvaluationBatchSize, 1, $"{nameof(options)}.{nameof(FitOptions.EvaluationBatchSize)}");
        if (Options.ScheduledEpochs is { } epochs) ArgumentOutOfRangeException.ThrowIfLessThan(epochs, 1, $"{nameof(options)}.{nameof(FitOptions.ScheduledEpochs)}");
        _order = new int[count];
        for (int i = 0; i < count; i++) _order[i] = i;
        _shuffle = Options.Shuffle;
        _random = new Xoshiro256StarStar(Options.Seed ^ ShuffleStream);
        // A batch larger than the set would only waste memory: every step would hold the whole set anyway.
        BatchSize = Math.Min(Options.BatchSize, count);
    }

    /// <summary>The options, defaults filled in.</summary>
    public FitOptions Options { get; }

    /// <summary>Samples per step.</summary>
    public int BatchSize { get; }

    /// <summary>Samples in the set.</summary>
    public int Count => _order.Length;

    /// <summary>Steps in one epoch; the last holds the remainder.</summary>
    public int BatchesPerEpoch => Options.BatchesPerEpoch(Count);

    /// <summary>The current order: positions in the epoch → sample indices. A checkpoint saves it (it is shuffled in place, epoch after epoch).</summary>
    public int[] Order => _order;

    /// <summary>The shuffle generator, as a checkpoint saves and restores it.</summary>
    public Xoshiro256StarStar Random
    {
        get => _random;
        set => _random = value;
    }

    /// <summary>Starts an epoch: a new random order, unless shuffling is off.</summary>
    public void Reshuffle()
    {
        if (_shuffle) _random.Shuffle(_order.AsSpan());
    }

    /// <summary>Copies the rows of the <paramref name="n"/> samples from position <paramref name="start"/> of the order into <paramref name="batch"/>.</summary>
    public void Gather<T>(T[] source, int rowSize, int start, int n, T[] batch)
    {
        for (int i = 0; i < n; i++) Array.Copy(source, _order[start + i] * rowSize, batch, i * rowSize, rowSize);
    }
}
