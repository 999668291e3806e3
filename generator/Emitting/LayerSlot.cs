using System.Collections.Generic;
using ModelGen.Generator.Layers;

namespace ModelGen.Generator.Emitting
{
    /// <summary>
    /// A layer in its place in the network, as <see cref="GraphPlanner"/> wires it: which buffers it reads
    /// and writes in the forward pass (Run) and in Backward, and, per input, whether a gradient must flow
    /// there and into which buffer. Kinds with one input read the first input through the shortcuts
    /// (<see cref="RunInput"/>, <see cref="InputDeltas"/>, …); kinds with several read <see cref="Inputs"/>.
    /// </summary>
    internal sealed class LayerSlot
    {
        public LayerSlot(LayerSpec layer, int index, bool isLast, IReadOnlyList<SlotInput> inputs)
        {
            Layer = layer;
            Index = index;
            IsLast = isLast;
            Inputs = inputs;
        }

        public LayerSpec Layer { get; }

        public LayerKind Kind => Layer.Kind;

        public string Name => Layer.Name;

        /// <summary>The layer's position in the forward pass (declaration order, which is topological).</summary>
        public int Index { get; }

        public bool IsLast { get; }

        /// <summary>Whether every layer of the network reads the one before it (comments then say "before this one").</summary>
        public bool InChain { get; set; }

        /// <summary>What the layer reads, in the order of its declaration's inputs.</summary>
        public IReadOnlyList<SlotInput> Inputs { get; }

        /// <summary>The layers that read this one's output, in forward order.</summary>
        public List<LayerSlot> Readers { get; } = new List<LayerSlot>();

        /// <summary>Whether some layer this one depends on (or this one) has parameters: only then does its output need a gradient.</summary>
        public bool HasTrainableSource { get; set; }

        /// <summary>
        /// Whether Backward must compute dLoss/d(first input): only when that tensor depends on some layer
        /// with parameters. The network's input, and a tensor computed only by parameter-free layers, need none.
        /// </summary>
        public bool NeedsInputGradient => Inputs[0].NeedsGradient;

        /// <summary>The first input's buffer in Run: "inputs" (the caller's span) for the network's input.</summary>
        public string RunInput => Inputs[0].RunBuffer;

        /// <summary>The first input's buffer in Backward, as Forward left it: "workspace.Inputs" for the network's input.</summary>
        public string SavedInput => Inputs[0].SavedBuffer;

        /// <summary>Where Backward writes dLoss/d(first input) when <see cref="NeedsInputGradient"/>; otherwise null.</summary>
        public string? InputDeltas => Inputs[0].Deltas;

        /// <summary>
        /// Whether this layer is the only reader of its (first) input that sends it a gradient, so a kind
        /// that moves no data (Flatten) may make its own gradient buffer the input's.
        /// </summary>
        public bool OwnsInputGradient => Inputs.Count == 1 && Inputs[0].Producer is { } producer && producer.GradientReaders == 1;

        /// <summary>How many reads of this layer's output send it a gradient.</summary>
        public int GradientReaders { get; set; }

        /// <summary>The output buffer in Run.</summary>
        public string RunOutput { get; set; } = "";

        /// <summary>The output buffer in Backward.</summary>
        public string SavedOutput { get; set; } = "";

        /// <summary>dLoss/d(output), read by Backward (null when no layer needs it).</summary>
        public string? OutputDeltas { get; set; }

        /// <summary>A BatchNormalization's fused [Add] and ReLU (see <see cref="FusionPlanner"/>); null when it fuses nothing.</summary>
        public NormalizationFusion? Fusion { get; set; }

        /// <summary>The BatchNormalization whose forward call computes this layer (an [Add] or ReLU it fused); null for most layers.</summary>
        public LayerSlot? FusedInto { get; set; }

        /// <summary>A Conv2D's only reader, a BatchNormalization that Infer applies to each sample's output in the convolution's call; or null.</summary>
        public LayerSlot? NormalizedBy { get; set; }

        /// <summary>
        /// The buffer where a later reader of this output (in backward order) writes its gradient before it is added to
        /// <see cref="OutputDeltas"/>; null when no reader needs one (at most one reader writes, the others being [Add]s).
        /// </summary>
        public string? PartialDeltas { get; set; }
    }

    /// <summary>One input of a layer: the tensor it reads and where its gradient goes.</summary>
    internal sealed class SlotInput
    {
        public SlotInput(string tensor, LayerSlot? producer, string runBuffer, string savedBuffer)
        {
            Tensor = tensor;
            Producer = producer;
            RunBuffer = runBuffer;
            SavedBuffer = savedBuffer;
        }

        /// <summary>The name of the layer that computes it, or of the network's input.</summary>
        public string Tensor { get; }

        /// <summary>The layer that computes it; null for the network's input.</summary>
        public LayerSlot? Producer { get; }

        public string RunBuffer { get; }

        public string SavedBuffer { get; }

        /// <summary>Whether the tensor depends on some layer with parameters (the network's input never does).</summary>
        public bool NeedsGradient => Producer is { HasTrainableSource: true };

        /// <summary>
        /// Where the reader's Backward writes dLoss/d(tensor) through this input; null when none is needed, or when the reader
        /// forwards its own gradient buffer (<see cref="Forwarded"/>).
        /// </summary>
        public string? Deltas { get; set; }

        /// <summary>
        /// For a reader that hands its dLoss/dy on whole (<see cref="LayerKind.ForwardsGradient"/>): this input's gradient is that
        /// buffer itself, nothing is copied (the tensor's gradient buffer is the reader's, or the reader's part is summed in).
        /// </summary>
        public bool Forwarded { get; set; }

        /// <summary>
        /// The sum written after the reader's backward call, for a tensor that several layers read: Target += First when
        /// Second is null, otherwise Target = First + Second. Null when there is nothing to add.
        /// </summary>
        public GradientSum? Sum { get; set; }
    }

    /// <summary>A gradient sum after a backward call (see <see cref="SlotInput.Sum"/>).</summary>
    /// <remarks><paramref name="Forwarder"/>: the reader that handed its dy on whole and whose part is added here, or null when the part is the reader's own.</remarks>
    internal sealed record GradientSum(string Target, string First, string? Second, string? Forwarder = null);

    /// <summary>
    /// One workspace array of a layer: [Capacity × PerSample] elements of ElementType, or, when
    /// <paramref name="PerBatch"/>, PerSample elements whatever the capacity (per-channel statistics).
    /// </summary>
    internal sealed record WorkspaceBuffer(string Field, string ElementType, string PerSampleExpression, long PerSample, string? Comment,
        bool PerBatch = false);
}
