using System.Diagnostics;
using ModelGen.Data;
using ModelGen.Samples.FromPyTorch.Reference;
using ModelGen.Samples.Mnist;
using ModelGen.Samples.Mnist.Acquisition;
using ModelGen.Samples.Mnist.Data;
using ModelGen.Serialization;
using ModelGen.Training;
using Spectre.Console;
using static System.FormattableString;

namespace ModelGen.Samples.FromPyTorch.Cli;

/// <summary>
/// The whole program: MNIST, each imported model (Digits, then DigitsResNet) against PyTorch's figures, fine-tuning,
/// the saved files. Program.cs and the tests enter here. Exit codes: 0 done, 1 an error (one line on <c>error</c>),
/// 130 cancelled (Ctrl+C or SIGTERM: nothing more is written).
/// </summary>
internal static class SampleRun
{
    public const int Failure = 1;

    public const int Cancelled = 130;

    /// <summary>The file Digits' fine-tuned parameters go to, in --out.</summary>
    public const string OutputFileName = "digits-finetuned.safetensors";

    /// <summary>The file DigitsResNet's fine-tuned parameters and running statistics go to, in --out.</summary>
    public const string ResNetOutputFileName = "resnet-finetuned.safetensors";

    /// <summary>Test images classified one at a time to time a single prediction.</summary>
    private const int LatencyImages = 1000;

    /// <summary>
    /// The ResNet's evaluation batches. Its workspace holds every layer's activations, 16 channels at 28×28 in the first
    /// block: with batches of 500 (the evaluation default, which Digits uses) the program peaks at 0.88 GB, with 100 at
    /// 0.45 GB, and the pass takes as long.
    /// </summary>
    private const int ResNetEvaluationBatch = 100;

    /// <summary>Disagreements with PyTorch listed by image, at most.</summary>
    private const int ListedDisagreements = 5;

    public static async Task<int> RunAsync(string[] args, IAnsiConsole console, TextWriter output, TextWriter error, CancellationToken cancellationToken = default)
    {
        SampleOptions? options = SampleOptions.Parse(args, out string? problem);
        if (options is null)
        {
            await error.WriteLineAsync("error: " + problem).ConfigureAwait(false);
            return Failure;
        }
        if (options.Help)
        {
            await output.WriteLineAsync(SampleOptions.Usage).ConfigureAwait(false);
            return 0;
        }
        try
        {
            await RunAsync(options, console, output, cancellationToken).ConfigureAwait(false);
            return 0;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await error.WriteLineAsync("cancelled").ConfigureAwait(false);
            return Cancelled;
        }
        catch (Exception e) when (e is SampleException or IdxFormatException or ModelFileException or IOException
                                     or UnauthorizedAccessException or HttpRequestException or InvalidDataException)
        {
            await error.WriteLineAsync("error: " + OneLine(e.Message)).ConfigureAwait(false);
            return Failure;
        }
    }

    private static async Task RunAsync(SampleOptions options, IAnsiConsole console, TextWriter output, CancellationToken cancellationToken)
    {
        bool digits = options.Models.HasFlag(SampleModels.Digits), resNet = options.Models.HasFlag(SampleModels.ResNet);
        string? digitsPath = options.Epochs > 0 && digits ? PrepareOutput(options.OutputFolder, OutputFileName) : null;
        string? resNetPath = options.Epochs > 0 && resNet ? PrepareOutput(options.OutputFolder, ResNetOutputFileName) : null;
        var settings = AcquisitionSettings.FromEnvironment(options.DataFolder, []);
        string folder = await new MnistAcquirer(settings, console).AcquireAsync(cancellationToken).ConfigureAwait(false);
        MnistData mnist = MnistData.Load(folder);
        var test = new LabeledData(mnist.Test.Pixels, mnist.Test.Labels, MnistData.PixelsPerImage);
        LabeledData train = new LabeledData(mnist.Train.Pixels, mnist.Train.Labels, MnistData.PixelsPerImage).Take(options.TrainImages ?? mnist.Train.Count);
        // The fine-tuned models are saved once both are done, so that a run cancelled in the second writes nothing.
        var saves = new List<(IModel Model, string Path)>();

        if (digits)
        {
            var model = new Digits();
            PyTorchReference pytorch = PyTorchReference.Load(PyTorchReference.Digits);
            output.WriteLine(Invariant($"Digits: models/digits.onnx compiled into C# at build time, {Digits.ParameterCount:N0} trained parameters, input [N, 1, 28, 28]"));
            RunModel(model, pytorch, test, FitOptions.DefaultEvaluationBatchSize, train, options, digitsPath is not null,
                runningStatistics: null, output, cancellationToken);
            if (digitsPath is not null) saves.Add((model, digitsPath));
        }
        if (resNet)
        {
            if (digits) output.WriteLine();
            var model = new DigitsResNet();
            PyTorchReference pytorch = PyTorchReference.Load(PyTorchReference.ResNet);
            int batchNorms = DigitsResNet.Layers.OfType<BatchNormalizationLayerInfo>().Count();
            output.WriteLine(Invariant($"DigitsResNet: models/resnet.onnx compiled into C# at build time, {pytorch.Parameters:N0} trained parameters and {DigitsResNet.StateCount:N0} running statistics in {batchNorms} BatchNormalization layers, input [N, 1, 28, 28]"));
            RunModel(model, pytorch, test, ResNetEvaluationBatch, train, options, resNetPath is not null, model.State, output, cancellationToken);
            if (resNetPath is not null) saves.Add((model, resNetPath));
        }

        cancellationToken.ThrowIfCancellationRequested();
        foreach ((IModel model, string path) in saves)
        {
            model.Save(path);
            output.WriteLine($"Saved the fine-tuned parameters to {path}");
        }
    }

    // One imported model: its test-set figures (evaluated in batches of evaluationBatch) beside PyTorch's, then (when
    // fineTune is set) the fine-tuning and the figures again. runningStatistics is the model's State
    // (BatchNormalization's running means and variances), whose movement during fine-tuning is reported, or null for a
    // model without any.
    private static void RunModel<TWorkspace>(IClassifier<TWorkspace> model, PyTorchReference pytorch, LabeledData test, int evaluationBatch,
        LabeledData train, SampleOptions options, bool fineTune, float[]? runningStatistics, TextWriter output, CancellationToken cancellationToken)
        where TWorkspace : IWorkspace
    {
        output.WriteLine(Invariant($"MNIST test set, {test.Count:N0} images:"));
        output.WriteLine(Invariant($"  {Label($"PyTorch {pytorch.TorchVersion} (models/{pytorch.ResourceName})")}{Percent(pytorch.Accuracy)}  {pytorch.Correct:N0} correct of {pytorch.Total:N0}"));
        var predictions = new int[test.Count];
        EvaluationResult imported = model.Evaluate(test, evaluationBatch, predictions: predictions);
        output.WriteLine(Invariant($"  {Label("compiled model (ModelGen)")}{Percent(imported.Accuracy)}  {imported.Correct:N0} correct of {imported.Count:N0}, loss {imported.Loss:F4}"));
        WriteAgreement(output, model, test, predictions, pytorch);
        WriteTimes(output, model, test, imported, evaluationBatch);

        if (!fineTune) return;
        output.WriteLine(Invariant($"Fine-tuning: {options.Epochs} epoch{(options.Epochs == 1 ? "" : "s")} on {train.Count:N0} training images, Adam lr {options.LearningRate:G6}, batch {FineTuning.BatchSize}, seed {options.Seed}{(runningStatistics is null ? "" : ", BatchNorm in training mode")}"));
        float[]? before = runningStatistics?.ToArray();
        TrainingHistory history = FineTuning.Run(model, train, options.Epochs, options.LearningRate, options.Seed, cancellationToken: cancellationToken);
        foreach (EpochRecord epoch in history.Epochs)
            output.WriteLine(Invariant($"  epoch {epoch.Epoch}: training loss {epoch.Loss:F4}, training accuracy {Percent(epoch.Accuracy).TrimStart()}, {epoch.Seconds:F1} s"));
        if (history.StopReason is { } stop) output.WriteLine("  stopped early: " + stop);
        if (before is not null) WriteRunningStatistics(output, before, runningStatistics!);
        EvaluationResult tuned = model.Evaluate(test, evaluationBatch);
        output.WriteLine(Invariant($"  {Label("fine-tuned model")}{Percent(tuned.Accuracy)}  {tuned.Correct:N0} correct of {tuned.Count:N0}, loss {tuned.Loss:F4} ({100 * (tuned.Accuracy - imported.Accuracy):+0.00;-0.00;0.00} points), evaluated in {tuned.Seconds:F2} s"));
    }

    // PyTorch's outputs beside the compiled model's: the classes it chose (the first 100 test images for Digits, all
    // of them for the ResNet), with the images where they differ, and how far apart the probabilities of the first 10 are.
    private static void WriteAgreement<TWorkspace>(TextWriter output, IClassifier<TWorkspace> model, LabeledData test, int[] predictions, PyTorchReference pytorch)
        where TWorkspace : IWorkspace
    {
        int compared = Math.Min(pytorch.Predicted.Length, predictions.Length);
        var different = new List<int>();
        for (int i = 0; i < compared; i++)
        {
            if (predictions[i] != pytorch.Predicted[i]) different.Add(i);
        }
        int rows = pytorch.First10Probabilities.Length;
        int classes = model.OutputSize;
        var probabilities = new float[rows * classes];
        model.PredictBatch(test.Inputs.AsSpan(0, rows * model.InputSize), probabilities);
        double largest = 0;
        for (int i = 0; i < rows; i++)
        {
            for (int c = 0; c < classes; c++)
                largest = Math.Max(largest, Math.Abs(probabilities[i * classes + c] - pytorch.First10Probabilities[i][c]));
        }
        string which = compared == test.Count ? Invariant($"all {compared:N0}") : Invariant($"first {compared:N0}");
        output.WriteLine(Invariant($"  {which} predictions: {compared - different.Count:N0} the same as PyTorch's, {different.Count:N0} different; first {rows} images' probabilities: at most {largest:G2} apart"));
        if (different.Count > 0)
        {
            output.WriteLine("  different: " + string.Join(", ", different.Take(ListedDisagreements).Select(i =>
                Invariant($"image {i} (PyTorch {pytorch.Predicted[i]}, compiled model {predictions[i]})"))) + (different.Count > ListedDisagreements ? ", ..." : ""));
        }
    }

    // The evaluation pass above ran in batches; a single image, as an application would classify it, is timed too.
    private static void WriteTimes(TextWriter output, IClassifier model, LabeledData test, EvaluationResult evaluation, int batch)
    {
        int count = Math.Min(LatencyImages, test.Count);
        long started = Stopwatch.GetTimestamp();
        for (int i = 0; i < count; i++) model.PredictClass(test.Inputs.AsSpan(i * model.InputSize, model.InputSize));
        double single = Stopwatch.GetElapsedTime(started).TotalSeconds / count;
        output.WriteLine(Invariant($"  time: {evaluation.Seconds:F2} s for the {evaluation.Count:N0} images ({1e6 * evaluation.Seconds / evaluation.Count:F0} µs per image in batches of {batch}); one image at a time: {1e6 * single:F0} µs"));
    }

    // BatchNormalization in training mode moves each running mean and variance towards the batches' statistics
    // (PyTorch's momentum 0.1); inference uses them, so the evaluation after fine-tuning depends on them.
    private static void WriteRunningStatistics(TextWriter output, float[] before, float[] after)
    {
        double largest = 0, sum = 0;
        int moved = 0;
        for (int i = 0; i < before.Length; i++)
        {
            double change = Math.Abs(after[i] - before[i]);
            largest = Math.Max(largest, change);
            sum += change;
            moved += change > 0 ? 1 : 0;
        }
        output.WriteLine(Invariant($"  running statistics: {moved:N0} of {before.Length:N0} moved, by {sum / before.Length:G2} on average and {largest:G2} at most"));
    }

    // Checked before MNIST is read and the model trained, so a bad --out costs nothing: the folder is created
    // and a temporary file written and removed in it. Each save (Save) is atomic: a temporary file renamed over
    // the target, so the folder holds the previous file or the new one, never half of one.
    private static string PrepareOutput(string folder, string fileName)
    {
        if (File.Exists(folder)) throw new SampleException($"--out: '{folder}' is a file; name a folder.");
        string path = Path.Combine(folder, fileName);
        if (Directory.Exists(path)) throw new SampleException($"--out: '{path}' is a folder; the fine-tuned parameters are written to a file of that name.");
        try
        {
            using AtomicFile probe = AtomicFile.Create(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new SampleException($"--out: cannot write in '{folder}': {OneLine(e.Message)}", e);
        }
        return path;
    }

    private static string Percent(double fraction) => Invariant($"{100 * fraction,6:F2} %");

    // The accuracies line up in one column.
    private static string Label(string text) => text.PadRight(40);

    private static string OneLine(string message) =>
        string.Join(' ', message.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
}
