namespace ModelGen;

/// <summary>The loss a model is trained with.</summary>
/// <remarks>The numeric values are part of the generator's contract: do not reorder.</remarks>
public enum Loss
{
    /// <summary>Sparse categorical cross-entropy when the last layer is Softmax, mean squared error otherwise.</summary>
    Auto = 0,
    /// <summary>−log p[label], averaged over the batch; needs a Softmax output. Labels are class indices.</summary>
    SparseCategoricalCrossEntropy = 1,
    /// <summary>(y − t)², averaged over the batch and the outputs (Keras and PyTorch "mean").</summary>
    MeanSquaredError = 2,
}
