using System.Diagnostics;

namespace ModelGen.Benchmarks.Compare;

/// <summary>One timed run: seconds and managed bytes allocated on this thread, each per operation.</summary>
public readonly record struct Sample(double Seconds, double Bytes)
{
    /// <summary>Runs <paramref name="body"/>, which performs <paramref name="operations"/> operations, and measures it.</summary>
    public static Sample Of(int operations, Action body)
    {
        long bytes = GC.GetAllocatedBytesForCurrentThread();
        long start = Stopwatch.GetTimestamp();
        body();
        long end = Stopwatch.GetTimestamp();
        long allocated = GC.GetAllocatedBytesForCurrentThread() - bytes;
        return new Sample((end - start) / (double)Stopwatch.Frequency / operations, allocated / (double)operations);
    }
}

/// <summary>An engine's repeated samples of one metric, summarised by the median.</summary>
public sealed class Measurement(string engine)
{
    private readonly List<Sample> _samples = [];

    /// <summary>The engine's key in the results ("modelgen", "torchsharp", "onnxruntime", "onnxruntime_1thread").</summary>
    public string Engine { get; } = engine;

    public IReadOnlyList<Sample> Samples => _samples;

    public void Add(Sample sample) => _samples.Add(sample);

    /// <summary>The median seconds per operation: robust to the odd run another process disturbed.</summary>
    public double MedianSeconds => Median(_samples.Select(s => s.Seconds));

    /// <summary>The median managed bytes allocated per operation on the calling thread.</summary>
    public double MedianBytes => Median(_samples.Select(s => s.Bytes));

    private static double Median(IEnumerable<double> values)
    {
        double[] sorted = values.Order().ToArray();
        if (sorted.Length == 0) return double.NaN;
        int middle = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }
}

/// <summary>An engine taking part in one metric: its key and one timed run of the workload.</summary>
public sealed record Contender(string Engine, Func<Sample> Run);

/// <summary>Runs contenders in turn, several times, so that slow drifts in machine load hit each engine alike.</summary>
public static class Alternation
{
    /// <summary>
    /// <paramref name="repetitions"/> rounds; in each, every contender runs once, starting with a
    /// different one each round. Before each run the garbage of the previous one is collected and the
    /// process pauses briefly, so spinning worker threads of the engine that just ran (libtorch's OpenMP,
    /// ONNX Runtime's pool, ModelGen's) have gone idle and do not compete with the next.
    /// </summary>
    /// <param name="repetitions">Rounds.</param>
    /// <param name="contenders">The engines and their workloads.</param>
    /// <param name="beforeRound">Prepares round n's common input (e.g. the epoch's shuffled order), untimed.</param>
    public static IReadOnlyList<Measurement> Run(int repetitions, IReadOnlyList<Contender> contenders, Action<int>? beforeRound = null)
    {
        var measurements = contenders.Select(c => new Measurement(c.Engine)).ToArray();
        for (int round = 0; round < repetitions; round++)
        {
            beforeRound?.Invoke(round);
            for (int k = 0; k < contenders.Count; k++)
            {
                int which = (round + k) % contenders.Count;
                Settle();
                measurements[which].Add(contenders[which].Run());
            }
        }
        return measurements;
    }

    private static void Settle()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        Thread.Sleep(30);
    }
}
