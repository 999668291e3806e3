namespace ModelGen.Benchmarks.Compare.Reports;

/// <summary>One row of the comparison: each engine's figure (a median) and, for times, the ratios to ModelGen.</summary>
public sealed class MetricResult
{
    /// <summary>The engine keys, in column order.</summary>
    public static readonly string[] Engines = [ModelGenKey, "torchsharp", "onnxruntime", "onnxruntime_1thread"];

    public const string ModelGenKey = "modelgen";

    private MetricResult(string key, string title, string unit, bool isTime,
        Dictionary<string, double> figures, Dictionary<string, double[]> repetitions)
    {
        Key = key;
        Title = title;
        Unit = unit;
        IsTime = isTime;
        Figures = figures;
        Repetitions = repetitions;
    }

    /// <summary>A machine-readable name, e.g. "training_epoch".</summary>
    public string Key { get; }

    /// <summary>What was measured, for people.</summary>
    public string Title { get; }

    /// <summary>"s", "µs" or "bytes".</summary>
    public string Unit { get; }

    /// <summary>Whether this is a time (lower is better; ratios are given) rather than a byte count.</summary>
    public bool IsTime { get; }

    /// <summary>Each engine's figure, in <see cref="Unit"/>; engines not in this row are absent.</summary>
    public IReadOnlyDictionary<string, double> Figures { get; }

    /// <summary>Each engine's figure in every repetition, in <see cref="Unit"/>.</summary>
    public IReadOnlyDictionary<string, double[]> Repetitions { get; }

    /// <summary>Each engine's best (lowest) figure over its repetitions, in <see cref="Unit"/>; engines not in this row are absent.</summary>
    public IReadOnlyDictionary<string, double> Best => Repetitions.Where(r => r.Value.Length > 0).ToDictionary(r => r.Key, r => r.Value.Min());

    /// <summary>How many times longer <paramref name="engine"/> takes than ModelGen (above 1: ModelGen is faster), or null.</summary>
    public double? Ratio(string engine) =>
        IsTime && Figures.TryGetValue(engine, out double other) && Figures.TryGetValue(ModelGenKey, out double ours) && ours > 0
            ? other / ours
            : null;

    /// <summary>How many times longer <paramref name="engine"/>'s best repetition takes than ModelGen's best (above 1: ModelGen is faster), or null.</summary>
    public double? BestRatio(string engine) =>
        IsTime && Best.TryGetValue(engine, out double other) && Best.TryGetValue(ModelGenKey, out double ours) && ours > 0
            ? other / ours
            : null;

    /// <summary>A time row: the median seconds per operation, times <paramref name="scale"/> (1 for s, 1e6 for µs).</summary>
    public static MetricResult Time(string key, string title, string unit, double scale, IReadOnlyList<Measurement> measurements) => new(
        key, title, unit, isTime: true,
        measurements.ToDictionary(m => m.Engine, m => m.MedianSeconds * scale),
        measurements.ToDictionary(m => m.Engine, m => m.Samples.Select(s => s.Seconds * scale).ToArray()));

    /// <summary>A bytes row: the median managed bytes allocated per operation on the calling thread.</summary>
    public static MetricResult Bytes(string key, string title, IReadOnlyList<Measurement> measurements) => new(
        key, title, "bytes", isTime: false,
        measurements.ToDictionary(m => m.Engine, m => m.MedianBytes),
        measurements.ToDictionary(m => m.Engine, m => m.Samples.Select(s => s.Bytes).ToArray()));
}
