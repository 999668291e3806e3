namespace ModelGen;

/// <summary>
/// Inference helpers every generated model shares. The batch loops themselves are
/// <see cref="BatchPredictor{TWorkspace}"/>; one sample (Predict, PredictClass) runs straight from the
/// caller's memory in the generated code.
/// </summary>
public static class Inference
{
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
