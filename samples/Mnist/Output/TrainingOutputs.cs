using System.Text.Json;
using ModelGen.Samples.Mnist.Data;
using ModelGen.Samples.Mnist.Plots;
using ModelGen.Samples.Mnist.Training;
using ModelGen.Serialization;

namespace ModelGen.Samples.Mnist.Output;

/// <summary>
/// Writes what <c>train</c> leaves in its output folder. The command writes them into the staging folder
/// of an <see cref="OutputFolder"/>, which swaps the whole set in at once.
/// </summary>
public static class TrainingOutputs
{
    /// <summary>The trained parameters, in the safetensors format.</summary>
    public const string ModelFile = "model.safetensors";
    /// <summary>Test results, per-epoch history, timings and hyper-parameters.</summary>
    public const string MetricsFile = "metrics.json";
    /// <summary>The confusion matrix heat map.</summary>
    public const string ConfusionMatrixFile = "confusion_matrix.png";
    /// <summary>The grid of captioned test digits.</summary>
    public const string SamplesFile = "samples.png";
    /// <summary>Loss and accuracy per epoch (train, validation, test) and the learning rate.</summary>
    public const string TrainingCurvesFile = "training_curves.png";

    /// <summary>The five files' names, in the order they are written.</summary>
    public static IReadOnlyList<string> All { get; } = [ModelFile, MetricsFile, ConfusionMatrixFile, SamplesFile, TrainingCurvesFile];

    /// <summary>
    /// A test hook, not a setting: milliseconds to wait (cancellably) before each file is written, so that a
    /// test can interrupt a run while it saves. Unset or 0 in normal use.
    /// </summary>
    public const string SaveDelayVariable = "MODELGEN_TEST_SAVE_DELAY_MS";

    /// <summary>
    /// Writes all five files into <paramref name="folder"/>, stopping between files when <paramref name="cancellationToken"/> is cancelled;
    /// <paramref name="learningRates"/> (every step's) go into the training curves' rate panel.
    /// </summary>
    public static void Write(string folder, IModel model, TrainingMetrics metrics, MnistSet test, Evaluation evaluation, LearningRateCurve? learningRates = null,
        CancellationToken cancellationToken = default)
    {
        Directory.CreateDirectory(folder);
        int delay = int.TryParse(Environment.GetEnvironmentVariable(SaveDelayVariable), System.Globalization.CultureInfo.InvariantCulture, out int ms) ? Math.Max(ms, 0) : 0;
        void Next()
        {
            if (delay > 0) cancellationToken.WaitHandle.WaitOne(delay);
            cancellationToken.ThrowIfCancellationRequested();
        }
        Next();
        model.Save(Path.Combine(folder, ModelFile));
        Next();
        WriteMetrics(Path.Combine(folder, MetricsFile), metrics);
        Next();
        WriteBytes(Path.Combine(folder, ConfusionMatrixFile), ConfusionMatrixPlot.Render(evaluation));
        Next();
        WriteBytes(Path.Combine(folder, SamplesFile), SamplesPlot.Render(test, evaluation));
        Next();
        WriteBytes(Path.Combine(folder, TrainingCurvesFile), TrainingCurvesPlot.Render(metrics.History, learningRates, metrics.EarlyStopping?.RestoredEpoch));
        Next();
    }

    /// <summary>Writes <paramref name="metrics"/> as indented camel-case JSON.</summary>
    public static void WriteMetrics(string path, TrainingMetrics metrics) =>
        AtomicFile.Write(path, stream => JsonSerializer.Serialize(stream, metrics, MetricsJsonContext.Default.TrainingMetrics));

    /// <summary>Reads a metrics file written by <see cref="WriteMetrics"/>.</summary>
    public static TrainingMetrics ReadMetrics(string path)
    {
        using FileStream stream = File.OpenRead(path);
        return JsonSerializer.Deserialize(stream, MetricsJsonContext.Default.TrainingMetrics)
            ?? throw new SampleException($"{path}: the file holds no metrics.");
    }

    private static void WriteBytes(string path, byte[] bytes) => AtomicFile.Write(path, stream => stream.Write(bytes));
}
