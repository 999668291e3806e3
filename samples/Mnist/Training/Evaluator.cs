using ModelGen.Data;

namespace ModelGen.Samples.Mnist.Training;

/// <summary>Runs a model over a labelled set in large batches and measures it.</summary>
public sealed class Evaluator(MnistMlp model)
{
    // Large batches amortise the per-call overhead; 500 images of activations are 1.8 MB.
    private const int Chunk = 500;
    private readonly MnistMlp.Workspace _workspace = new(Chunk);

    /// <summary>The loss, accuracy, predictions and confusion matrix of the model on <paramref name="set"/>.</summary>
    public Evaluation Evaluate(MnistSet set)
    {
        ArgumentOutOfRangeException.ThrowIfZero(set.Count);
        const int size = MnistMlp.InputSize;
        var predictions = new int[set.Count];
        var confusion = new int[MnistData.Classes, MnistData.Classes];
        double lossSum = 0;
        for (int start = 0; start < set.Count; start += Chunk)
        {
            int n = Math.Min(Chunk, set.Count - start);
            ReadOnlySpan<int> labels = set.Labels.AsSpan(start, n);
            model.Forward(_workspace, set.Pixels.AsSpan(start * size, n * size));
            lossSum += (double)model.ComputeLoss(_workspace, labels) * n;
            ReadOnlySpan<float> outputs = _workspace.Outputs;
            for (int i = 0; i < n; i++)
            {
                int predicted = Batch.ArgMax(outputs.Slice(i * MnistMlp.OutputSize, MnistMlp.OutputSize));
                predictions[start + i] = predicted;
                confusion[labels[i], predicted]++;
            }
        }
        return new Evaluation(lossSum / set.Count, set.Labels, predictions, confusion);
    }
}
