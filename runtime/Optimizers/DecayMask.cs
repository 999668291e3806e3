namespace ModelGen;

/// <summary>
/// Which parameters of a model weight decay applies to (<see cref="AdamW.DecayMask"/>, <see cref="Sgd.DecayMask"/>):
/// ranges of its flat parameter buffer, built once from its layers (<see cref="ParameterTensor.Of"/>). The usual
/// recipe, <see cref="WeightsOnly"/>, decays the Dense and convolution kernels and leaves biases and
/// BatchNormalization's scale and shift alone, as PyTorch users do with a second parameter group of weight decay 0.
/// </summary>
public sealed class DecayMask
{
    private readonly int[] _edges;

    private DecayMask(int parameterCount, int[] edges, int decayedCount)
    {
        ParameterCount = parameterCount;
        _edges = edges;
        DecayedCount = decayedCount;
    }

    /// <summary>The size of the parameter buffer the mask was built for.</summary>
    public int ParameterCount { get; }

    /// <summary>How many of those parameters decay.</summary>
    public int DecayedCount { get; }

    /// <summary>The decayed ranges, sorted and disjoint, as start, end, start, end, … (ends exclusive).</summary>
    internal ReadOnlySpan<int> Edges => _edges;

    /// <summary>Decays the weights (kernels) of every Dense, Conv2D and DepthwiseConv2D layer, and no bias, scale or shift.</summary>
    public static DecayMask WeightsOnly(IModel model) => Where(model, tensor => tensor.Kind == ParameterKind.Weights);

    /// <summary>
    /// Decays the tensors <paramref name="decays"/> picks, by layer name or kind (say
    /// <c>t =&gt; t.Kind == ParameterKind.Weights &amp;&amp; t.Layer != "Output"</c>).
    /// </summary>
    public static DecayMask Where(IModel model, Func<ParameterTensor, bool> decays)
    {
        ArgumentNullException.ThrowIfNull(decays);
        IReadOnlyList<ParameterTensor> tensors = ParameterTensor.Of(model);
        var edges = new List<int>();
        int decayed = 0;
        foreach (ParameterTensor tensor in tensors)
        {
            if (tensor.Length == 0 || !decays(tensor)) continue;
            decayed += tensor.Length;
            // Tensors come in buffer order and tile it: one that starts where the last range ends extends it.
            if (edges.Count > 0 && edges[^1] == tensor.Offset) edges[^1] = tensor.Offset + tensor.Length;
            else edges.AddRange([tensor.Offset, tensor.Offset + tensor.Length]);
        }
        return new DecayMask(model.Parameters.Length, edges.ToArray(), decayed);
    }

    /// <summary>
    /// Decays the given ranges of a buffer of <paramref name="parameterCount"/> parameters, each an offset and a length
    /// (in any order; overlapping ranges merge). For a layout <see cref="ParameterTensor.Of"/> does not describe.
    /// </summary>
    public static DecayMask FromRanges(int parameterCount, IEnumerable<(int Offset, int Length)> decayed)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(parameterCount);
        ArgumentNullException.ThrowIfNull(decayed);
        var ranges = new List<(int Start, int End)>();
        foreach ((int offset, int length) in decayed)
        {
            if (offset < 0 || length < 0 || (long)offset + length > parameterCount)
                throw new ArgumentException($"The range at {offset} of length {length} does not fit the {parameterCount} parameters.", nameof(decayed));
            if (length > 0) ranges.Add((offset, offset + length));
        }
        ranges.Sort();
        var edges = new List<int>();
        int count = 0;
        foreach ((int start, int end) in ranges)
        {
            if (edges.Count > 0 && start <= edges[^1])
            {
                if (end <= edges[^1]) continue;
                count += end - edges[^1];
                edges[^1] = end;
                continue;
            }
            edges.AddRange([start, end]);
            count += end - start;
        }
        return new DecayMask(parameterCount, edges.ToArray(), count);
    }

    /// <summary>Refuses, in one line, to apply the mask to a buffer of another size.</summary>
    internal void CheckFits(int parameterCount)
    {
        if (parameterCount != ParameterCount)
            throw new InvalidOperationException($"This decay mask was built for {ParameterCount} parameters and cannot step a model with {parameterCount}; build it from the model being trained.");
    }
}
