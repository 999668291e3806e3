using ModelGen.Benchmarks.Compare.Engines;
using ModelGen.Benchmarks.Compare.Reports;
using ModelGen.Benchmarks.Data;
using ModelGen.Samples.Mnist;

namespace ModelGen.Benchmarks.Compare;

/// <summary>
/// The ResNet rows, run last with their own engines: a training epoch of ResNet-20 (<see cref="MnistResNet"/>:
/// BatchNormalization in training mode, batch 128, Adam 1e-3), ModelGen against its TorchSharp twin from the
/// same initial weights (ModelGen's Save, loaded into the twin's state_dict by name); then bulk inference over
/// the test set on ModelGen's trained weights, ModelGen against ONNX Runtime running ModelGen's ExportOnnx.
/// TorchSharp's epoch time is bimodal on shared VMs, so the report gives each engine's best repetition beside
/// the median. Goals (reported, not asserted): epoch ≥ 2× TorchSharp, bulk ≥ 1× the faster ONNX Runtime setting.
/// </summary>
public static class ResNetComparison
{
    private const ulong Seed = 1;
    private const int BatchSize = ComparePlan.ResNetBatchSize;

    public static IReadOnlyList<MetricResult> Run(ComparePlan plan, int threads, BenchmarkData data, TextWriter output, List<string> checks)
    {
        int batches = plan.ResNetTrainBatches == 0 ? data.Train.Count / BatchSize : Math.Min(plan.ResNetTrainBatches, data.Train.Count / BatchSize);
        int images = batches * BatchSize;
        bool wholeEpoch = batches == data.Train.Count / BatchSize;
        int testImages = Math.Min(plan.ResNetTestImages, data.Test.Count);
        string folder = Directory.CreateTempSubdirectory("modelgen-resnet-").FullName;
        try
        {
            var modelGen = new ModelGenResNetEngine(data.Train, data.Test, BatchSize, Seed);
            string initial = Path.Combine(folder, "initial.safetensors");
            modelGen.Model.Save(initial);
            using var torch = new TorchSharpResNetEngine(data.Train, data.Test, BatchSize, initial);

            // Before any training: the twin must compute the same function, in both BatchNormalization modes.
            double trainingDifference = MaxAbsDifference(
                ModelGenResNetEngine.TrainingModeProbabilities(data.Train, BatchSize, Seed), torch.TrainingModeProbabilities(BatchSize));
            torch.Load(initial); // the training-mode forward moved the twin's running statistics
            const int checkedImages = 256;
            double evalDifference = MaxAbsDifference(modelGen.TestProbabilities(checkedImages), torch.TestProbabilities(checkedImages));
            checks.Add($"ResNet, same initial weights (ModelGen's Save loaded into the TorchSharp twin's state_dict): the largest probability difference between TorchSharp and ModelGen is " +
                $"{trainingDifference:0.0e+0} in training mode (a batch of {BatchSize} training images, the batch's statistics) and {evalDifference:0.0e+0} in eval mode ({checkedImages} test images, running statistics).");
            if (trainingDifference > 1e-3 || evalDifference > 1e-3)
                throw new BenchmarkException($"the ResNet engines disagree ({trainingDifference:0.0e+0} training mode, {evalDifference:0.0e+0} eval mode): the twin is not the same network.");

            // Warm-up, untimed: 5 batches each, the same ones (JIT tiers, libtorch's allocator and convolution choices).
            int[] warmUp = Enumerable.Range(0, 5 * BatchSize).ToArray();
            modelGen.TrainEpoch(warmUp);
            torch.TrainEpoch(warmUp.Select(i => (long)i).ToArray());

            string what = wholeEpoch ? $"epoch ({images:N0} images)" : $"{batches} batches ({images:N0} images, {(double)images / data.Train.Count:P0} of an epoch)";
            output.WriteLine($"measuring: ResNet-20 training {what} × {plan.ResNetEpochRepetitions} ...");
            int[] order = new int[images];
            long[] torchOrder = new long[images];
            IReadOnlyList<Measurement> epoch = Alternation.Run(plan.ResNetEpochRepetitions,
            [
                new(MetricResult.ModelGenKey, () => Sample.Of(1, () => modelGen.TrainEpoch(order))),
                new("torchsharp", () => Sample.Of(1, () => torch.TrainEpoch(torchOrder))),
            ],
            beforeRound: round => Shuffle(data.Train.Count, order, torchOrder, round));
            string title = wholeEpoch
                ? $"ResNet-20 training epoch ({images:N0} images, batch {BatchSize}, Adam)"
                : $"ResNet-20 training, {batches} batches ({images:N0} images, batch {BatchSize}, Adam; not a whole epoch)";
            MetricResult epochResult = MetricResult.Time("resnet_training_epoch", title, "s", 1, epoch);
            foreach (Measurement m in epoch)
                output.WriteLine($"  {m.Engine}: {string.Join(", ", m.Samples.Select(s => s.Seconds.ToString("0.00") + " s"))}");

            int passes = plan.ResNetEpochRepetitions;
            checks.Add($"ResNet test accuracy on {testImages:N0} test images after 5 warm-up batches and {passes} timed passes of {images:N0} images (each engine trained its own copy from the same initial weights, same order; eval mode): " +
                $"ModelGen {Accuracy.Of(modelGen.TestProbabilities(testImages), data.Test.Labels[..testImages]):P2}, " +
                $"TorchSharp {Accuracy.Of(torch.TestProbabilities(testImages), data.Test.Labels[..testImages]):P2}.");

            // Inference on ModelGen's trained weights: saved into the twin, exported for ONNX Runtime.
            string trained = Path.Combine(folder, "trained.safetensors"), onnx = Path.Combine(folder, "resnet.onnx");
            modelGen.Model.Save(trained);
            torch.Load(trained);
            modelGen.Model.ExportOnnx(onnx);
            using var ort = new OnnxRuntimeBulkEngine(onnx, data.Test, threads, ComparePlan.ResNetOnnxChunk);
            using var ortSingle = new OnnxRuntimeBulkEngine(onnx, data.Test, 1, ComparePlan.ResNetOnnxChunk);
            modelGen.PredictBulk();
            ort.PredictBulk();
            ortSingle.PredictBulk();
            double ortDifference = MaxAbsDifference(modelGen.BulkOutputs, ort.BulkOutputs);
            double torchDifference = MaxAbsDifference(modelGen.BulkOutputs[..(testImages * 10)], torch.TestProbabilities(testImages));
            checks.Add($"ResNet, same trained weights (running statistics included): the largest probability difference from ModelGen is {ortDifference:0.0e+0} for ONNX Runtime " +
                $"({data.Test.Count:N0} test images) and {torchDifference:0.0e+0} for TorchSharp ({testImages:N0} test images).");
            if (ortDifference > 1e-3 || torchDifference > 1e-3)
                throw new BenchmarkException($"the ResNet engines disagree on trained weights (ONNX Runtime {ortDifference:0.0e+0}, TorchSharp {torchDifference:0.0e+0}).");

            int count = data.Test.Count;
            output.WriteLine($"measuring: ResNet-20 bulk inference ({count:N0} images) × {plan.ResNetBulkRepetitions} ...");
            IReadOnlyList<Measurement> bulk = Alternation.Run(plan.ResNetBulkRepetitions,
            [
                new(MetricResult.ModelGenKey, () => PerImage(Sample.Of(1, modelGen.PredictBulk), count)),
                new("onnxruntime", () => PerImage(Sample.Of(1, ort.PredictBulk), count)),
                new("onnxruntime_1thread", () => PerImage(Sample.Of(1, ortSingle.PredictBulk), count)),
            ]);
            MetricResult bulkResult = MetricResult.Time("resnet_bulk_inference",
                $"ResNet-20 bulk inference ({count:N0} images; ONNX Runtime in Runs of {ComparePlan.ResNetOnnxChunk}), per image", "µs", 1e6, bulk);

            double? epochMedian = epochResult.Ratio("torchsharp"), epochBest = epochResult.BestRatio("torchsharp");
            double? bulkMedian = Min(bulkResult.Ratio("onnxruntime"), bulkResult.Ratio("onnxruntime_1thread"));
            double? bulkBest = Min(bulkResult.BestRatio("onnxruntime"), bulkResult.BestRatio("onnxruntime_1thread"));
            checks.Add($"ResNet goals (reported, not asserted): training ≥ 2× TorchSharp: {epochMedian:0.00}× by medians, {epochBest:0.00}× by bests ({Met(epochMedian, epochBest, 2)}); " +
                $"bulk inference ≥ 1× the faster ONNX Runtime setting: {bulkMedian:0.00}× by medians, {bulkBest:0.00}× by bests ({Met(bulkMedian, bulkBest, 1)}).");
            return [epochResult, bulkResult];
        }
        finally
        {
            try { Directory.Delete(folder, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }

    // A fresh permutation of the whole training set per round, from a seed that depends only on the round;
    // a pass takes its first order.Length images. Both engines get the same.
    private static void Shuffle(int trainCount, int[] order, long[] torchOrder, int round)
    {
        int[] all = Enumerable.Range(0, trainCount).ToArray();
        new Xoshiro256StarStar(2000 + (ulong)round).Shuffle(all.AsSpan());
        for (int i = 0; i < order.Length; i++) torchOrder[i] = order[i] = all[i];
    }

    private static string Met(double? median, double? best, double goal) =>
        median >= goal && best >= goal ? "met" : median >= goal || best >= goal ? "met by one measure only" : "not met";

    private static double? Min(double? a, double? b) => a is null ? b : b is null ? a : Math.Min(a.Value, b.Value);

    // Time per image, bytes still per call.
    private static Sample PerImage(Sample perCall, int images) => perCall with { Seconds = perCall.Seconds / images };

    private static double MaxAbsDifference(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        double worst = 0;
        for (int i = 0; i < a.Length; i++) worst = Math.Max(worst, Math.Abs(a[i] - b[i]));
        return worst;
    }
}
