namespace ModelGen;

/// <summary>
/// The inference loops every generated model shares: they run the model's own Forward, in inference mode,
/// on a workspace the model allocated once, so they allocate nothing. Generated models call these from
/// PredictBatch and PredictClasses (one sample, Predict and PredictClass, runs straight from the caller's
/// memory in the generated code).
/// </summary>
public static class Inference
{
    /// <summary>Runs any number of samples, [n, InputSize], workspace.Capacity at a time, and writes their outputs, [n, OutputSize].</summary>
    public static void PredictBatch<TWorkspace>(IModel<TWorkspace> model, TWorkspace workspace, ReadOnlySpan<float> inputs, Span<float> outputs)
        where TWorkspace : IWorkspace
    {
        int inputSize = model.InputSize, outputSize = model.OutputSize;
        int count = Batch.SizeOf(inputs.Length, inputSize, int.MaxValue, nameof(inputs));
        Batch.CheckTargets(outputs.Length, count, outputSize, nameof(outputs));
        for (int start = 0; start < count; start += workspace.Capacity)
        {
            int n = Math.Min(workspace.Capacity, count - start);
            model.Forward(workspace, inputs.Slice(start * inputSize, n * inputSize));
            workspace.Outputs.CopyTo(outputs.Slice(start * outputSize));
        }
    }

    /// <summary>Runs any number of samples, [n, InputSize], and writes each one's predicted class, [n].</summary>
    public static void PredictClasses<TWorkspace>(IModel<TWorkspace> model, TWorkspace workspace, ReadOnlySpan<float> inputs, Span<int> classes)
        where TWorkspace : IWorkspace
    {
        int inputSize = model.InputSize, outputSize = model.OutputSize;
        int count = Batch.SizeOf(inputs.Length, inputSize, int.MaxValue, nameof(inputs));
        Batch.CheckTargets(classes.Length, count, 1, nameof(classes));
        for (int start = 0; start < count; start += workspace.Capacity)
        {
            int n = Math.Min(workspace.Capacity, count - start);
            model.Forward(workspace, inputs.Slice(start * inputSize, n * inputSize));
            ReadOnlySpan<float> outputs = workspace.Outputs;
            for (int s = 0; s < n; s++) classes[start + s] = Batch.ArgMax(outputs.Slice(s * outputSize, outputSize));
        }
    }

    /// <summary>How many rows of <paramref name="outputs"/>, [labels.Length, classes], have their label as the largest value.</summary>
    public static int CountCorrect(ReadOnlySpan<float> outputs, ReadOnlySpan<int> labels, int classes)
    {
        if (outputs.Length < (long)labels.Length * classes)
            throw new ArgumentException($"{outputs.Length} outputs cannot hold {labels.Length} rows of {classes}.", nameof(outputs));
        int correct = 0;
        for (int s = 0; s < labels.Length; s++) if (Batch.ArgMax(outputs.Slice(s * classes, classes)) == labels[s]) correct++;
        return correct;
    }
}
