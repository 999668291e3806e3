using ModelGen.Benchmarks.Data;

namespace ModelGen.Benchmarks.Bench;

/// <summary>The data the BenchmarkDotNet benchmarks use, loaded once per process (they run in-process).</summary>
internal static class SharedData
{
    private static readonly Lazy<BenchmarkData> s_data = new(() =>
    {
        BenchmarkData data = BenchmarkData.Load(Environment.GetEnvironmentVariable(BenchCommand.DataVariable));
        Console.WriteLine($"// data: {data.Description}, {data.NonZeroShare:P1} of pixels non-zero");
        return data;
    });

    public static BenchmarkData Data => s_data.Value;
}
