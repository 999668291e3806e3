namespace ModelGen.Data;

/// <summary>The content of an IDX label file: one unsigned byte per sample.</summary>
public sealed class IdxLabels
{
    /// <summary>Wraps <paramref name="labels"/>.</summary>
    public IdxLabels(byte[] labels)
    {
        ArgumentNullException.ThrowIfNull(labels);
        Labels = labels;
    }

    /// <summary>The number of labels.</summary>
    public int Count => Labels.Length;

    /// <summary>The labels, in sample order.</summary>
    public byte[] Labels { get; }
}
