using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Running;

namespace ModelGen.Benchmarks.Bench;

/// <summary>
/// The "bench" mode: BenchmarkDotNet over the kernels and the generated model. Arguments after
/// "bench" go to BenchmarkDotNet (e.g. --filter *Kernel*, --job short); with no --filter, all run.
/// </summary>
public static class BenchCommand
{
    /// <summary>Passes --data to the benchmarks (they run in this process, so an environment variable suffices).</summary>
    public const string DataVariable = "MODELGEN_BENCH_DATA";

    public static int Run(IReadOnlyList<string> args, string outputFolder, string? dataFolder)
    {
        if (dataFolder is not null) Environment.SetEnvironmentVariable(DataVariable, dataFolder);
        var forwarded = args.ToList();
        if (!forwarded.Any(a => a is "--filter" or "-f")) forwarded.AddRange(["--filter", "*"]);
        // In-process (for every job, including one chosen with --job): no generated benchmark project
        // to build (it would inherit the repository's Directory.Build.props and the generator), and
        // MODELGEN_THREADS applies as Program set it.
        if (!forwarded.Any(a => a is "--inProcess" or "-i")) forwarded.Add("--inProcess");
        IConfig config = ManualConfig.Create(DefaultConfig.Instance)
            .WithArtifactsPath(Path.Combine(outputFolder, "BenchmarkDotNet"));
        BenchmarkSwitcher.FromAssembly(typeof(BenchCommand).Assembly).Run([.. forwarded], config);
        return 0;
    }
}
