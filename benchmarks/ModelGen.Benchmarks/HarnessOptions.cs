using System.Globalization;

namespace ModelGen.Benchmarks;

/// <summary>The command-line options of both modes; "bench" passes the ones it does not know to BenchmarkDotNet.</summary>
public sealed class HarnessOptions
{
    /// <summary>Threads for every engine: ModelGen's kernels, libtorch's intra-op pool, ONNX Runtime's intra-op pool.</summary>
    public int Threads { get; private init; } = 2;

    /// <summary>Fewer repetitions and shorter loops, so the whole comparison takes under a minute.</summary>
    public bool Quick { get; private init; }

    /// <summary>Where the JSON and Markdown results go.</summary>
    public string OutputFolder { get; private init; } = DefaultOutputFolder();

    /// <summary>A folder with the MNIST files to use instead of the cache, or null.</summary>
    public string? DataFolder { get; private init; }

    /// <summary>Timed ResNet training passes per engine, or null for the plan's (--resnet-repetitions).</summary>
    public int? ResNetRepetitions { get; private init; }

    /// <summary>Batches of 128 per timed ResNet pass, 0 for a whole epoch, or null for the plan's (--resnet-batches).</summary>
    public int? ResNetBatches { get; private init; }

    /// <summary>Which rows "compare" measures (--rows mlp,convnet,resnet; all by default).</summary>
    public IReadOnlySet<string> Rows { get; private init; } = AllRows;

    /// <summary>The row groups --rows knows: the MLP's rows (with the bytes rows), the convnet's, the ResNet's.</summary>
    public static readonly IReadOnlySet<string> AllRows = new HashSet<string> { "mlp", "convnet", "resnet" };

    /// <summary>Arguments this parser does not know (for "bench", they go to BenchmarkDotNet).</summary>
    public IReadOnlyList<string> Rest { get; private init; } = [];

    public const string Usage =
        "usage: ModelGen.Benchmarks compare [--quick] [--threads N] [--output DIR] [--data DIR] [--rows mlp,convnet,resnet] [--resnet-repetitions N] [--resnet-batches N]\n" +
        "       ModelGen.Benchmarks bench [--threads N] [--output DIR] [--data DIR] [BenchmarkDotNet options, e.g. --filter *Kernel*]";

    /// <summary>Reads the options; unknown ones are an error unless <paramref name="allowRest"/>.</summary>
    /// <exception cref="BenchmarkException">An option is unknown, lacks its value, or has a bad value.</exception>
    public static HarnessOptions Parse(IReadOnlyList<string> args, bool allowRest)
    {
        int threads = 2;
        bool quick = false;
        string output = DefaultOutputFolder();
        string? data = null;
        int? resNetRepetitions = null, resNetBatches = null;
        IReadOnlySet<string> rows = AllRows;
        var rest = new List<string>();
        for (int i = 0; i < args.Count; i++)
        {
            switch (args[i])
            {
                case "--quick":
                    quick = true;
                    break;
                case "--threads":
                    string text = Value(args, ref i);
                    if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out threads) || threads < 1 || threads > 256)
                        throw new BenchmarkException($"--threads: '{text}' is not a thread count from 1 to 256.");
                    break;
                case "--output":
                    output = Path.GetFullPath(Value(args, ref i));
                    break;
                case "--data":
                    data = Path.GetFullPath(Value(args, ref i));
                    break;
                case "--rows":
                    string list = Value(args, ref i);
                    rows = list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet(StringComparer.OrdinalIgnoreCase);
                    if (rows.Count == 0 || rows.Any(r => !AllRows.Contains(r)))
                        throw new BenchmarkException($"--rows: '{list}' is not a comma-separated list of {string.Join(", ", AllRows)}.");
                    break;
                case "--resnet-repetitions":
                    resNetRepetitions = Count(args, ref i, 1);
                    break;
                case "--resnet-batches":
                    resNetBatches = Count(args, ref i, 0);
                    break;
                default:
                    if (!allowRest) throw new BenchmarkException($"unknown option '{args[i]}'.\n{Usage}");
                    rest.Add(args[i]);
                    break;
            }
        }
        return new HarnessOptions
        {
            Threads = threads, Quick = quick, OutputFolder = output, DataFolder = data, Rest = rest,
            ResNetRepetitions = resNetRepetitions, ResNetBatches = resNetBatches, Rows = rows,
        };
    }

    private static int Count(IReadOnlyList<string> args, ref int i, int minimum)
    {
        string option = args[i], text = Value(args, ref i);
        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int count) || count < minimum || count > 100_000)
            throw new BenchmarkException($"{option}: '{text}' is not a whole number from {minimum} to 100000.");
        return count;
    }

    private static string Value(IReadOnlyList<string> args, ref int i)
    {
        if (i + 1 >= args.Count || args[i + 1].StartsWith("--", StringComparison.Ordinal))
            throw new BenchmarkException($"{args[i]} needs a value.");
        return args[++i];
    }

    /// <summary>benchmarks/results in the repository this program was built from, else ./benchmarks/results.</summary>
    public static string DefaultOutputFolder()
    {
        for (DirectoryInfo? folder = new(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "ModelGen.sln")))
                return Path.Combine(folder.FullName, "benchmarks", "results");
        }
        return Path.GetFullPath(Path.Combine("benchmarks", "results"));
    }
}
