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
/// The whole program: MNIST, the imported model against PyTorch's figures, fine-tuning, the saved file.
/// Program.cs and the tests enter here. Exit codes: 0 done, 1 an error (one line on <c>error</c>), 130
/// cancelled (Ctrl+C or SIGTERM: nothing is written).
/// </summary>
internal static class SampleRun
{
    public const int Failure = 1;

    public const int Cancelled = 130;

    /// <summary>The file the fine-tuned parameters go to, in --out.</summary>
    public const string OutputFileName = "digits-finetuned.safetensors";

    /// <summary>Test images classified one at a time to time a single prediction.</summary>
    private const int LatencyImages = 1000;

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
        string? savePath = options.Epochs > 0 ? PrepareOutput(options.OutputFolder) : null;
        var settings = AcquisitionSettings.FromEnvironment(options.DataFolder, []);
        string folder = await new MnistAcquirer(settings, console).AcquireAsync(cancellationToken).ConfigureAwait(false);
        MnistData mnist = MnistData.Load(folder);
        var test = new LabeledData(mnist.Test.Pixels, mnist.Test.Labels, Digits.InputSize);

        var model = new Digits();
        PyTorchReference pytorch = PyTorchReference.Load();
        output.WriteLine(Invariant($"Digits: models/digits.onnx compiled into C# at build time, {Digits.ParameterCount:N0} trained parameters, input [N, 1, 28, 28]"));
        output.WriteLine(Invariant($"MNIST test set, {test.Count:N0} images:"));
        output.WriteLine(Invariant($"  {Label($"PyTorch {pytorch.TorchVersion} (models/digits.json)")}{Percent(pytorch.Accuracy)}  {pytorch.Correct:N0} correct of {pytorch.Total:N0}"));
        var predictions = new int[test.Count];
        EvaluationResult imported = model.Evaluate(test, predictions: predictions);
        output.WriteLine(Invariant($"  {Label("compiled model (ModelGen)")}{Percent(imported.Accuracy)}  {imported.Correct:N0} correct of {imported.Count:N0}, loss {imported.Loss:F4}"));
        WriteAgreement(output, model, test, predictions, pytorch);
        WriteTimes(output, model, test, imported);

        if (savePath is null) return;
        LabeledData train = new LabeledData(mnist.Train.Pixels, mnist.Train.Labels, Digits.InputSize).Take(options.TrainImages ?? mnist.Train.Count);
        output.WriteLine(Invariant($"Fine-tuning: {options.Epochs} epoch{(options.Epochs == 1 ? "" : "s")} on {train.Count:N0} training images, Adam lr {options.LearningRate:G6}, batch {FineTuning.BatchSize}, seed {options.Seed}"));
        TrainingHistory history = FineTuning.Run(model, train, options.Epochs, options.LearningRate, options.Seed, cancellationToken: cancellationToken);
        foreach (EpochRecord epoch in history.Epochs)
            output.WriteLine(Invariant($"  epoch {epoch.Epoch}: training loss {epoch.Loss:F4}, training accuracy {Percent(epoch.Accuracy).TrimStart()}, {epoch.Seconds:F1} s"));
        if (history.StopReason is { } stop) output.WriteLine("  stopped early: " + stop);
        EvaluationResult tuned = model.Evaluate(test);
        output.WriteLine(Invariant($"  {Label("fine-tuned model")}{Percent(tuned.Accuracy)}  {tuned.Correct:N0} correct of {tuned.Count:N0}, loss {tuned.Loss:F4} ({100 * (tuned.Accuracy - imported.Accuracy):+0.00;-0.00;0.00} points), evaluated in {tuned.Seconds:F2} s"));

        cancellationToken.ThrowIfCancellationRequested();
        model.Save(savePath);
        output.WriteLine($"Saved the fine-tuned parameters to {savePath}");
    }

    // PyTorch's outputs for the first test images beside the compiled model's: the classes it chose for the
    // first 100, and how far apart the probabilities of the first 10 are.
    private static void WriteAgreement(TextWriter output, Digits model, LabeledData test, int[] predictions, PyTorchReference pytorch)
    {
        int same = 0;
        for (int i = 0; i < pytorch.First100Predicted.Length; i++) same += predictions[i] == pytorch.First100Predicted[i] ? 1 : 0;
        int rows = pytorch.First10Probabilities.Length;
        var probabilities = new float[rows * Digits.OutputSize];
        model.PredictBatch(test.Inputs.AsSpan(0, rows * Digits.InputSize), probabilities);
        double largest = 0;
        for (int i = 0; i < rows; i++)
            for (int c = 0; c < Digits.OutputSize; c++)
                largest = Math.Max(largest, Math.Abs(probabilities[i * Digits.OutputSize + c] - pytorch.First10Probabilities[i][c]));
        output.WriteLine(Invariant($"  first {pytorch.First100Predicted.Length} predictions: {same} the same as PyTorch's; first {rows} images' probabilities: at most {largest:G2} apart"));
    }

    // The evaluation pass above ran in batches; a single image, as an application would classify it, is timed too.
    private static void WriteTimes(TextWriter output, Digits model, LabeledData test, EvaluationResult evaluation)
    {
        int count = Math.Min(LatencyImages, test.Count);
        long started = Stopwatch.GetTimestamp();
        for (int i = 0; i < count; i++) model.PredictClass(test.Inputs.AsSpan(i * Digits.InputSize, Digits.InputSize));
        double single = Stopwatch.GetElapsedTime(started).TotalSeconds / count;
        output.WriteLine(Invariant($"  time: {evaluation.Seconds:F2} s for the {evaluation.Count:N0} images ({1e6 * evaluation.Seconds / evaluation.Count:F0} µs per image in batches of {FitOptions.DefaultEvaluationBatchSize}); one image at a time: {1e6 * single:F0} µs"));
    }

    // Checked before MNIST is read and the model trained, so a bad --out costs nothing: the folder is created
    // and a temporary file written and removed in it. The save itself (Digits.Save) is atomic: a temporary
    // file renamed over the target, so the folder holds the previous file or the new one, never half of one.
    private static string PrepareOutput(string folder)
    {
        if (File.Exists(folder)) throw new SampleException($"--out: '{folder}' is a file; name a folder.");
        string path = Path.Combine(folder, OutputFileName);
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
