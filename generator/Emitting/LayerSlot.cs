using ModelGen.Generator.Layers;

namespace ModelGen.Generator.Emitting
{
    /// <summary>
    /// A layer in its place in the network, as the emitter wires it: which buffers it reads and writes in
    /// the forward pass (Run) and in Backward, and whether a gradient must flow to its input.
    /// </summary>
    internal sealed class LayerSlot
    {
        public LayerSlot(LayerSpec layer, int index, bool isLast, bool needsInputGradient, LayerSlot? previous)
        {
            Layer = layer;
            Index = index;
            IsLast = isLast;
            NeedsInputGradient = needsInputGradient;
            Previous = previous;
        }

        public LayerSpec Layer { get; }

        public LayerKind Kind => Layer.Kind;

        public string Name => Layer.Name;

        public int Index { get; }

        public bool IsLast { get; }

        /// <summary>The layer before this one, or null for the first.</summary>
        public LayerSlot? Previous { get; }

        /// <summary>
        /// Whether Backward must compute dLoss/d(input): only when some earlier layer has parameters. The
        /// network's input, and the input of a layer that only follows parameter-free layers, need none.
        /// </summary>
        public bool NeedsInputGradient { get; }

        /// <summary>The input buffer in Run: "inputs" (the caller's span) for the first layer.</summary>
        public string RunInput { get; set; } = "";

        /// <summary>The output buffer in Run.</summary>
        public string RunOutput { get; set; } = "";

        /// <summary>The input buffer in Backward, as Forward left it: "workspace.Inputs" for the first layer.</summary>
        public string SavedInput { get; set; } = "";

        /// <summary>The output buffer in Backward.</summary>
        public string SavedOutput { get; set; } = "";

        /// <summary>dLoss/d(input), written by Backward when <see cref="NeedsInputGradient"/>; otherwise null.</summary>
        public string? InputDeltas { get; set; }

        /// <summary>dLoss/d(output), read by Backward.</summary>
        public string? OutputDeltas { get; set; }
    }

    /// <summary>One workspace array of a layer: [Capacity × PerSample] elements of ElementType.</summary>
    internal sealed record WorkspaceBuffer(string Field, string ElementType, string PerSampleExpression, long PerSample, string? Comment);
}
