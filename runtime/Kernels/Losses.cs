namespace ModelGen;

/// <summary>Loss values, averaged over the batch as Keras and PyTorch do. Sums are taken in double.</summary>
public static class Losses
{
    /// <summary>
    /// Mean over the rows of −log softmax(z)[label] = logsumexp(z) − z[label], computed from the
    /// logits with the row maximum subtracted, so it is finite for any finite logits.
    /// </summary>
    public static float SparseCategoricalCrossEntropy(ReadOnlySpan<float> logits, ReadOnlySpan<int> labels, int classes)
    {
        int rows = labels.Length;
        if (rows == 0) throw new ArgumentException("The batch is empty.", nameof(labels));
        if (logits.Length < rows * classes) throw new ArgumentException("logits is shorter than labels.Length × classes.", nameof(logits));
        double total = 0;
        for (int r = 0; r < rows; r++)
        {
            int label = labels[r];
            if ((uint)label >= (uint)classes) ThrowBadLabel(r, label, classes);
            ReadOnlySpan<float> z = logits.Slice(r * classes, classes);
            double max = z[0];
            for (int k = 1; k < classes; k++) max = Math.Max(max, z[k]);
            double sum = 0;
            for (int k = 0; k < classes; k++) sum += Math.Exp(z[k] - max);
            total += Math.Log(sum) + max - z[label];
        }
        return (float)(total / rows);
    }

    /// <summary>Mean over every element of (y − t)².</summary>
    public static float MeanSquaredError(ReadOnlySpan<float> outputs, ReadOnlySpan<float> targets)
    {
        if (outputs.Length != targets.Length) throw new ArgumentException($"targets has {targets.Length} values; the outputs have {outputs.Length}.", nameof(targets));
        if (outputs.Length == 0) throw new ArgumentException("The batch is empty.", nameof(targets));
        double total = 0;
        for (int i = 0; i < outputs.Length; i++) { double d = outputs[i] - targets[i]; total += d * d; }
        return (float)(total / outputs.Length);
    }

    /// <summary>Throws the error for a class label outside [0, classes).</summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Usage", "CA2208", Justification = "Names the argument of the generated caller that held the label.")]
    public static void ThrowBadLabel(int row, int label, int classes) =>
        throw new ArgumentOutOfRangeException("labels", label, $"Label {label} of sample {row} is not a class index in [0, {classes}).");
}
