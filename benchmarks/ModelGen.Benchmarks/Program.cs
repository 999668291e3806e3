using System.Globalization;
using ModelGen.Benchmarks;
using ModelGen.Benchmarks.Bench;
using ModelGen.Benchmarks.Compare;

// ModelGen.Benchmarks compare [--quick] [--threads N] [--output DIR] [--data DIR] [--rows mlp,convnet,resnet] [--resnet-repetitions N] [--resnet-batches N]
// ModelGen.Benchmarks bench [--threads N] [--output DIR] [--data DIR] [BenchmarkDotNet options]
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
try
{
    if (args.Length == 0 || args[0] is "-h" or "--help" or "help")
    {
        Console.WriteLine(HarnessOptions.Usage);
        return args.Length == 0 ? 2 : 0;
    }
    string mode = args[0];
    if (mode is not ("compare" or "bench")) throw new BenchmarkException($"unknown mode '{mode}'.\n{HarnessOptions.Usage}");
    HarnessOptions options = HarnessOptions.Parse(args[1..], allowRest: mode == "bench");

    // ModelGen's kernel thread pool reads MODELGEN_THREADS once, when the first kernel runs: set it
    // before anything touches a model, so ModelGen uses the same thread count as the other engines.
    Environment.SetEnvironmentVariable("MODELGEN_THREADS", options.Threads.ToString(CultureInfo.InvariantCulture));

    return mode == "bench"
        ? BenchCommand.Run(options.Rest, options.OutputFolder, options.DataFolder)
        : CompareCommand.Run(options, Console.Out);
}
catch (BenchmarkException e)
{
    Console.Error.WriteLine("error: " + e.Message);
    return 2;
}
