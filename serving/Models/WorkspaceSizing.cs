namespace ModelGen.Serving;

/// <summary>How many samples a served model's workspace holds.</summary>
internal static class WorkspaceSizing
{
    /// <summary>Activation floats per forward pass that stay within a core's L2 cache: the runtime's BatchPredictor uses the same budget.</summary>
    private const int CacheBudgetFloats = 64 * 1024;

    /// <summary>
    /// As many samples as a request may send while their activations fit in L2 (the MNIST MLP: 64; a convnet
    /// with ~40,000 floats per image: 1), so a pool of one workspace per concurrent request stays small and a
    /// large batch runs in several cache-sized passes rather than one that spills.
    /// </summary>
    public static int Capacity(IModel model, int maxBatchSize)
    {
        long floats = model.InputSize;
        foreach (LayerInfo layer in model.Layers) floats += layer.Output.Size;
        long samples = Math.Clamp(CacheBudgetFloats / Math.Max(1, floats), 1, maxBatchSize);
        return (int)(samples >= 4 ? samples / 4 * 4 : samples); // whole row groups of four, as the kernels take them
    }
}
