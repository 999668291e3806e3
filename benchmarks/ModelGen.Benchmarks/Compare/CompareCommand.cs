using System.Diagnostics;
using ModelGen.Benchmarks.Compare.Engines;
using ModelGen.Benchmarks.Compare.Reports;
using ModelGen.Benchmarks.Data;
using ModelGen.Export;
using ModelGen.Serialization;

namespace ModelGen.Benchmarks.Compare;

/// <summary>
/// The "compare" mode: ModelGen, TorchSharp and (for inference) ONNX Runtime in one process, on the
/// same data, weights and thread count, alternating, each figure the median of several repetitions.
/// </summary>
public static class CompareCommand
{
    private const ulong Seed = 1;

    public static int Run(HarnessOptions options, TextWriter output)
    {
        ComparePlan plan = options.Quick ? ComparePlan.Quick : ComparePlan.Full;
        plan = plan with
        {
            ResNetEpochRepetitions = options.ResNetRepetitions ?? plan.ResNetEpochRepetitions,
            ResNetTrainBatches = options.ResNetBatches ?? plan.ResNetTrainBatches,
        };
        var clock = Stopwatch.StartNew();
        string loadBefore = MachineInfo.LoadAverage();
        MachineInfo machine = MachineInfo.Current();
        output.WriteLine($"compare: {(options.Quick ? "quick" : "full")} run, {options.Threads} thread(s) per engine; load average {loadBefore}");

        BenchmarkData data = BenchmarkData.Load(options.DataFolder);
        output.WriteLine($"data: {data.Description}, {data.Train.Count} training and {data.Test.Count} test images, {data.NonZeroShare:P1} of pixels non-zero");
        if (data.Train.Count < 60_000) output.WriteLine($"note: the training set has {data.Train.Count} images, so an epoch is shorter than MNIST's 60 000");

        TorchSharpEngine.Initialize(options.Threads);
        var checks = new List<string>();
        var metrics = new List<MetricResult>();
        var bytesRows = new List<MetricResult>();
        if (options.Rows.Contains("mlp")) RunMlp(options, plan, data, output, metrics, bytesRows, checks);

        // The convnet last, once the MLP rows are done, so their conditions are as before.
        if (options.Rows.Contains("convnet")) metrics.Add(ConvNetComparison.Run(plan, data, output, checks));

        // The ResNet rows after the convnet's, for the same reason.
        if (options.Rows.Contains("resnet")) metrics.AddRange(ResNetComparison.Run(plan, options.Threads, data, output, checks));

        metrics.AddRange(bytesRows);

        var report = new CompareReport(
            DateTimeOffset.UtcNow, machine, loadBefore, MachineInfo.LoadAverage(), options.Threads, options.Quick,
            data.Description, data.IsMnist, data.NonZeroShare,
            new Dictionary<string, string>
            {
                ["TorchSharp"] = Version(typeof(TorchSharp.torch)),
                ["ONNX Runtime"] = Version(typeof(Microsoft.ML.OnnxRuntime.InferenceSession)),
            },
            Repetitions(plan, options.Rows),
            metrics, checks);

        string markdown = MarkdownReport.Format(report);
        output.WriteLine();
        output.Write(markdown);
        string name = options.Quick ? "compare-quick" : "compare";
        string jsonPath = Path.Combine(options.OutputFolder, name + ".json"), markdownPath = Path.Combine(options.OutputFolder, name + ".md");
        try
        {
            AtomicFile.Write(jsonPath, stream => stream.Write(JsonReport.Format(report)));
            AtomicFile.Write(markdownPath, stream => stream.Write(System.Text.Encoding.UTF8.GetBytes(markdown)));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new BenchmarkException($"cannot write the results to {options.OutputFolder}: {e.Message}");
        }
        output.WriteLine();
        output.WriteLine($"wrote {jsonPath} and {markdownPath} ({clock.Elapsed.TotalSeconds:0} s in all)");
        return 0;
    }

    // The MLP's rows: training epoch and step against TorchSharp, single-image and bulk inference against
    // TorchSharp and ONNX Runtime, and the bytes each allocates (added at the end of the table, in bytesRows).
    private static void RunMlp(HarnessOptions options, ComparePlan plan, BenchmarkData data, TextWriter output,
        List<MetricResult> metrics, List<MetricResult> bytesRows, List<string> checks)
    {
        var modelGen = new ModelGenEngine(data.Train, data.Test, ComparePlan.BatchSize, Seed);
        using var torch = new TorchSharpEngine(data.Train, data.Test, ComparePlan.BatchSize, modelGen.Model.Parameters);

        // Warm-up, untimed: JIT tiers, libtorch's allocator and thread pool.
        modelGen.TrainSteps(0, 200);
        torch.TrainSteps(0, 200);

        // Training epoch: the same shuffled order for both engines in each repetition.
        output.WriteLine($"measuring: training epoch × {plan.EpochRepetitions} ...");
        int[] order = Enumerable.Range(0, data.Train.Count).ToArray();
        long[] torchOrder = new long[order.Length];
        IReadOnlyList<Measurement> epoch = Alternation.Run(plan.EpochRepetitions,
        [
            new(MetricResult.ModelGenKey, () => Sample.Of(1, () => modelGen.TrainEpoch(order))),
            new("torchsharp", () => Sample.Of(1, () => torch.TrainEpoch(torchOrder))),
        ],
        beforeRound: round => Shuffle(order, torchOrder, round));
        metrics.Add(MetricResult.Time("training_epoch", $"training epoch ({data.Train.Count:N0} images, batch 32, Adam, shuffled)", "s", 1, epoch));
        torch.Eval();
        checks.Add($"Test accuracy after the timed epochs (each engine trained its own copy from the same initial weights): ModelGen {modelGen.TestAccuracy():P2}, TorchSharp {Accuracy.Of(torch.BulkProbabilities(), data.Test.Labels):P2}.");

        // Training step: consecutive batches, no gathering.
        output.WriteLine($"measuring: training step × {plan.StepRepetitions} ...");
        int firstBatch = 0;
        IReadOnlyList<Measurement> step = Alternation.Run(plan.StepRepetitions,
        [
            new(MetricResult.ModelGenKey, () => Sample.Of(plan.StepsPerRepetition, () => modelGen.TrainSteps(firstBatch, plan.StepsPerRepetition))),
            new("torchsharp", () => Sample.Of(plan.StepsPerRepetition, () => torch.TrainSteps(firstBatch, plan.StepsPerRepetition))),
        ],
        beforeRound: round => firstBatch = round * plan.StepsPerRepetition); // both engines see the same batches in a round
        metrics.Add(MetricResult.Time("training_step", "training step (batch 32, Adam)", "µs", 1e6, step));

        // Inference, all three engines on ModelGen's trained weights.
        torch.LoadParameters(modelGen.Model.Parameters);
        torch.Eval();
        byte[] onnx = OnnxExporter.ToBytes(nameof(MnistMlp), MnistMlp.InputSize, MnistMlp.Layers, modelGen.Model.Parameters);
        using var ort = new OnnxRuntimeEngine(onnx, data.Test, options.Threads);
        using var ortSingle = new OnnxRuntimeEngine(onnx, data.Test, 1);
        CheckSameOutputs(modelGen, torch, ort, data, checks);

        int images = Math.Min(plan.ImagesPerRepetition, data.Test.Count);
        for (int i = 0; i < 500; i++) { modelGen.PredictClass(i); torch.PredictClass(i); ort.PredictClass(i); ortSingle.PredictClass(i); }
        output.WriteLine($"measuring: single-image inference × {plan.SingleRepetitions} ...");
        IReadOnlyList<Measurement> single = Alternation.Run(plan.SingleRepetitions,
        [
            new(MetricResult.ModelGenKey, () => Sample.Of(images, () => { for (int i = 0; i < images; i++) modelGen.PredictClass(i); })),
            new("torchsharp", () => Sample.Of(images, () => { for (int i = 0; i < images; i++) torch.PredictClass(i); })),
            new("onnxruntime", () => Sample.Of(images, () => { for (int i = 0; i < images; i++) ort.PredictClass(i); })),
            new("onnxruntime_1thread", () => Sample.Of(images, () => { for (int i = 0; i < images; i++) ortSingle.PredictClass(i); })),
        ]);
        metrics.Add(MetricResult.Time("single_image_inference", "single-image inference (forward + argmax), per image", "µs", 1e6, single));

        output.WriteLine($"measuring: bulk inference × {plan.BulkRepetitions} ...");
        int calls = plan.BulkCallsPerRepetition, count = data.Test.Count;
        IReadOnlyList<Measurement> bulk = Alternation.Run(plan.BulkRepetitions,
        [
            new(MetricResult.ModelGenKey, () => PerImage(Sample.Of(calls, () => { for (int c = 0; c < calls; c++) modelGen.PredictBulk(); }), count)),
            new("torchsharp", () => PerImage(Sample.Of(calls, () => { for (int c = 0; c < calls; c++) torch.PredictBulk(); }), count)),
            new("onnxruntime", () => PerImage(Sample.Of(calls, () => { for (int c = 0; c < calls; c++) ort.PredictBulk(); }), count)),
            new("onnxruntime_1thread", () => PerImage(Sample.Of(calls, () => { for (int c = 0; c < calls; c++) ortSingle.PredictBulk(); }), count)),
        ]);
        metrics.Add(MetricResult.Time("bulk_inference", $"bulk inference ({count:N0} images in one call), per image", "µs", 1e6, bulk));

        bytesRows.Add(MetricResult.Bytes("bytes_per_training_step", "bytes allocated per training step", step));
        bytesRows.Add(MetricResult.Bytes("bytes_per_single_inference", "bytes allocated per single-image inference", single));
        // Bulk samples were turned into per-image times; their bytes stay per call (see PerImage).
        bytesRows.Add(MetricResult.Bytes("bytes_per_bulk_inference", $"bytes allocated per bulk inference call ({count:N0} images)", bulk));
    }

    // The repetitions of the row groups that ran, for the report's header.
    private static Dictionary<string, int> Repetitions(ComparePlan plan, IReadOnlySet<string> rows)
    {
        var repetitions = new Dictionary<string, int>();
        if (rows.Contains("mlp"))
        {
            repetitions["epoch"] = plan.EpochRepetitions;
            repetitions["step"] = plan.StepRepetitions;
            repetitions["single-image"] = plan.SingleRepetitions;
            repetitions["bulk"] = plan.BulkRepetitions;
        }
        if (rows.Contains("convnet")) repetitions["convnet epoch"] = plan.ConvEpochRepetitions;
        if (rows.Contains("resnet"))
        {
            repetitions["resnet epoch"] = plan.ResNetEpochRepetitions;
            repetitions["resnet bulk"] = plan.ResNetBulkRepetitions;
        }
        return repetitions;
    }

    // A fresh permutation per round, from a seed that depends only on the round: both engines get it.
    internal static void Shuffle(int[] order, long[] torchOrder, int round)
    {
        for (int i = 0; i < order.Length; i++) order[i] = i;
        var random = new Xoshiro256StarStar(1000 + (ulong)round);
        random.Shuffle(order.AsSpan());
        for (int i = 0; i < order.Length; i++) torchOrder[i] = order[i];
    }

    // Time per image, bytes still per call.
    private static Sample PerImage(Sample perCall, int images) => perCall with { Seconds = perCall.Seconds / images };

    // The three engines must compute the same function on the same weights, or the timings compare different work.
    private static void CheckSameOutputs(ModelGenEngine modelGen, TorchSharpEngine torch, OnnxRuntimeEngine ort, BenchmarkData data, List<string> checks)
    {
        modelGen.PredictBulk();
        ort.PredictBulk();
        float[] torchProbabilities = torch.BulkProbabilities();
        double ortDifference = MaxAbsDifference(modelGen.BulkOutputs, ort.BulkOutputs);
        double torchDifference = MaxAbsDifference(modelGen.BulkOutputs, torchProbabilities);
        checks.Add($"Same weights for inference: on the {data.Test.Count:N0} test images the largest probability difference from ModelGen is {ortDifference:0.0e+0} for ONNX Runtime and {torchDifference:0.0e+0} for TorchSharp.");
        if (ortDifference > 1e-4 || torchDifference > 1e-4)
            throw new BenchmarkException($"the engines disagree (ONNX Runtime {ortDifference:0.0e+0}, TorchSharp {torchDifference:0.0e+0} max abs probability difference): the comparison would not be of the same network.");
    }

    private static double MaxAbsDifference(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        double worst = 0;
        for (int i = 0; i < a.Length; i++) worst = Math.Max(worst, Math.Abs(a[i] - b[i]));
        return worst;
    }

    private static string Version(Type type)
    {
        var informational = (System.Reflection.AssemblyInformationalVersionAttribute?)Attribute.GetCustomAttribute(
            type.Assembly, typeof(System.Reflection.AssemblyInformationalVersionAttribute));
        string version = informational?.InformationalVersion ?? type.Assembly.GetName().Version?.ToString() ?? "?";
        int plus = version.IndexOf('+');
        return plus > 0 ? version[..plus] : version;
    }
}
