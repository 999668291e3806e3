namespace ModelGen.Benchmarks.Compare.Reports;

/// <summary>Everything one comparison run produced: the rows, and the conditions they were measured under.</summary>
public sealed record CompareReport(
    DateTimeOffset Time,
    MachineInfo Machine,
    string LoadBefore,
    string LoadAfter,
    int Threads,
    bool Quick,
    string Data,
    bool IsMnist,
    double NonZeroShare,
    IReadOnlyDictionary<string, string> Versions,
    IReadOnlyDictionary<string, int> Repetitions,
    IReadOnlyList<MetricResult> Metrics,
    IReadOnlyList<string> Checks);
