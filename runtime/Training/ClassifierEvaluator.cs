using System.Diagnostics;

namespace ModelGen.Training;

/// <summary>
/// Keras' <c>evaluate</c>: runs a classifier over a labelled set in batches, in inference mode (dropout
/// off), and measures its mean loss and accuracy. The workspace is allocated once; an evaluation
/// allocates nothing.
/// </summary>
/// <typeparam name="TWorkspace">The model's own <c>Workspace</c> class.</typeparam>
public sealed class ClassifierEvaluator<TWorkspace> where TWorkspace : IWorkspace
{
    private readonly IClassifier<TWorkspace> _model;
    private readonly TWorkspace _workspace;

    /// <summary>Prepares to evaluate <paramref name="model"/> <paramref name="batchSize"/> samples at a time.</summary>
    public ClassifierEvaluator(IClassifier<TWorkspace> model, int batchSize = FitOptions.DefaultEvaluationBatchSize)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        _model = model;
        _workspace = model.CreateWorkspace(batchSize);
    }

    /// <summary>Samples per pass.</summary>
    public int BatchSize => _workspace.Capacity;

    /// <summary>
    /// The model's mean loss and accuracy on <paramref name="data"/>. If <paramref name="predictions"/>
    /// is not empty, it must have one element per sample and receives each predicted class (for a
    /// confusion matrix, say).
    /// </summary>
    public EvaluationResult Evaluate(LabeledData data, Span<int> predictions = default)
    {
        ArgumentNullException.ThrowIfNull(data);
        data.CheckFits(_model, "evaluation data", nameof(data));
        if (!predictions.IsEmpty && predictions.Length != data.Count)
            throw new ArgumentException($"'{nameof(predictions)}' has {predictions.Length} elements; the data has {data.Count} samples.", nameof(predictions));
        long started = Stopwatch.GetTimestamp();
        int size = data.InputSize, classes = _model.OutputSize, correct = 0;
        double lossSum = 0;
        for (int start = 0; start < data.Count; start += BatchSize)
        {
            int n = Math.Min(BatchSize, data.Count - start);
            ReadOnlySpan<int> labels = data.Labels.AsSpan(start, n);
            _model.Forward(_workspace, data.Inputs.AsSpan(start * size, n * size));
            // Each batch's mean, weighted by its size: the mean over every sample however the batches fall.
            lossSum += (double)_model.ComputeLoss(_workspace, labels) * n;
            ReadOnlySpan<float> outputs = _workspace.Outputs;
            for (int i = 0; i < n; i++)
            {
                int predicted = Batch.ArgMax(outputs.Slice(i * classes, classes));
                if (predicted == labels[i]) correct++;
                if (!predictions.IsEmpty) predictions[start + i] = predicted;
            }
        }
        return new EvaluationResult(data.Count, correct, lossSum / data.Count, Stopwatch.GetElapsedTime(started).TotalSeconds);
    }
}
