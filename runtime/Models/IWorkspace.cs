namespace ModelGen;

/// <summary>The activations of a generated model for up to <see cref="Capacity"/> samples: every model's <c>Workspace</c> class.</summary>
public interface IWorkspace
{
    /// <summary>The most samples a batch may have.</summary>
    int Capacity { get; }

    /// <summary>Samples in the batch of the last Forward.</summary>
    int BatchSize { get; }

    /// <summary>Whether the last Forward ran in training mode (dropout active).</summary>
    bool Training { get; }

    /// <summary>The outputs of the last Forward, [BatchSize, OutputSize] row-major.</summary>
    ReadOnlySpan<float> Outputs { get; }
}

/// <summary>A generated classifier's workspace: what its loss is.</summary>
public interface IClassifierWorkspace : IWorkspace
{
    /// <summary>
    /// ε of label smoothing in ComputeLoss and Backward, PyTorch's <c>cross_entropy(label_smoothing=ε)</c>: each
    /// sample's target becomes (1 − ε)·onehot(label) + ε/K. In [0, 1); 0 (the default) is the plain cross-entropy, bit for bit.
    /// </summary>
    float LabelSmoothing { get; set; }
}
