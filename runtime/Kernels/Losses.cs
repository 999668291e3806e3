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

    /// <summary>
    /// Mean over the rows of the cross-entropy with smoothed targets, PyTorch's <c>cross_entropy(z, label,
    /// label_smoothing=ε)</c>: the target of each row is (1 − ε)·onehot(label) + ε/K, so the loss is
    /// (1 − ε)·(logsumexp(z) − z[label]) + ε·(logsumexp(z) − mean(z)). With ε = 0 this is
    /// <see cref="SparseCategoricalCrossEntropy(ReadOnlySpan{float}, ReadOnlySpan{int}, int)"/>, bit for bit.
    /// </summary>
    public static float SparseCategoricalCrossEntropy(ReadOnlySpan<float> logits, ReadOnlySpan<int> labels, int classes, float labelSmoothing)
    {
        if (labelSmoothing == 0f) return SparseCategoricalCrossEntropy(logits, labels, classes);
        CheckLabelSmoothing(labelSmoothing);
        int rows = labels.Length;
        if (rows == 0) throw new ArgumentException("The batch is empty.", nameof(labels));
        if (logits.Length < rows * classes) throw new ArgumentException("logits is shorter than labels.Length × classes.", nameof(logits));
        double epsilon = labelSmoothing, total = 0;
        for (int r = 0; r < rows; r++)
        {
            int label = labels[r];
            if ((uint)label >= (uint)classes) ThrowBadLabel(r, label, classes);
            ReadOnlySpan<float> z = logits.Slice(r * classes, classes);
            double max = z[0];
            for (int k = 1; k < classes; k++) max = Math.Max(max, z[k]);
            double sum = 0, zSum = 0;
            for (int k = 0; k < classes; k++) { sum += Math.Exp(z[k] - max); zSum += z[k]; }
            double logSumExp = Math.Log(sum) + max;
            total += (1 - epsilon) * (logSumExp - z[label]) + epsilon * (logSumExp - zSum / classes);
        }
        return (float)(total / rows);
    }

    /// <summary>
    /// dLoss/dz of the mean softmax cross-entropy over the batch, from the probabilities p = softmax(z):
    /// (p − t) / batchSize, with t = onehot(label), or with label smoothing ε the smoothed target
    /// (1 − ε)·onehot(label) + ε/K. No softmax Jacobian is formed and nothing overflows. With ε = 0 the
    /// arithmetic is the generated models' from before label smoothing existed: p·s, then s subtracted at the label.
    /// </summary>
    /// <param name="probabilities">p, [labels.Length, classes] row-major.</param>
    /// <param name="labels">The class of each row; their count is the batch size.</param>
    /// <param name="gradient">dLoss/dz, overwritten, [labels.Length, classes].</param>
    /// <param name="classes">K.</param>
    /// <param name="labelSmoothing">ε in [0, 1).</param>
    public static void SoftmaxCrossEntropyGradient(ReadOnlySpan<float> probabilities, ReadOnlySpan<int> labels, Span<float> gradient, int classes, float labelSmoothing = 0f)
    {
        int batchSize = labels.Length;
        if (probabilities.Length < batchSize * classes || gradient.Length < batchSize * classes)
            throw new ArgumentException("The probabilities or the gradient are shorter than labels.Length × classes.", nameof(gradient));
        float scale = 1f / batchSize;
        if (labelSmoothing == 0f)
        {
            for (int s = 0; s < batchSize; s++)
            {
                int label = labels[s];
                if ((uint)label >= (uint)classes) ThrowBadLabel(s, label, classes);
                int row = s * classes;
                for (int k = 0; k < classes; k++) gradient[row + k] = probabilities[row + k] * scale;
                gradient[row + label] -= scale;
            }
            return;
        }
        CheckLabelSmoothing(labelSmoothing);
        // t = ε/K everywhere, plus 1 − ε at the label; each term already divided by the batch size.
        float everywhere = labelSmoothing / classes * scale, atLabel = (1f - labelSmoothing) * scale;
        for (int s = 0; s < batchSize; s++)
        {
            int label = labels[s];
            if ((uint)label >= (uint)classes) ThrowBadLabel(s, label, classes);
            int row = s * classes;
            for (int k = 0; k < classes; k++) gradient[row + k] = probabilities[row + k] * scale - everywhere;
            gradient[row + label] -= atLabel;
        }
    }

    /// <summary>Throws unless <paramref name="labelSmoothing"/> is in [0, 1).</summary>
    public static void CheckLabelSmoothing(float labelSmoothing, string name = "labelSmoothing")
    {
        if (!(labelSmoothing >= 0f && labelSmoothing < 1f))
            throw new ArgumentOutOfRangeException(name, labelSmoothing, "The label smoothing must be in [0, 1).");
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
