using System.Collections.Generic;
using ModelGen.Generator.Layers;

namespace ModelGen.Generator.Emitting
{
    /// <summary>
    /// Which layers run inside another's forward call, as ONNX Runtime fuses them. Two patterns, both giving the
    /// bits of the separate calls (the fused kernels do the same float operations on each value, in the same order):
    /// <list type="bullet">
    /// <item>In Run: BatchNormalization, then an [Add] of it and a tensor computed before it, then a ReLU [Activation],
    /// each the only reader of the one before (the Add and the ReLU are each optional): BatchNormalization's row pass adds
    /// the residual and applies the ReLU as it writes, into the last fused layer's output buffer; the Add and the ReLU
    /// then compute nothing of their own (their buffers that Backward reads, the ReLU's output, are written all the same).</item>
    /// <item>In Infer, the predictions' forward pass, which keeps only what the next layers read: a Conv2D without an
    /// activation whose only reader is such a BatchNormalization (whose residual, if any, is computed before the
    /// convolution) normalises each sample's output while it is in cache, with the running statistics.</item>
    /// </list>
    /// </summary>
    internal static class FusionPlanner
    {
        public static void Plan(IReadOnlyList<LayerSlot> slots)
        {
            foreach (LayerSlot slot in slots)
            {
                if (!(slot.Layer is BatchNormalizationSpec) || slot.Readers.Count != 1) continue;
                LayerSlot next = slot.Readers[0], last = slot;
                SlotInput? residual = null;
                if (next.Layer is AddSpec { InputCount: 2 } && next.Inputs[0].Producer != next.Inputs[1].Producer)
                {
                    SlotInput other = next.Inputs[0].Producer == slot ? next.Inputs[1] : next.Inputs[0];
                    if (other.Producer is null || other.Producer.Index < slot.Index)
                    {
                        residual = other;
                        last = next;
                        next = next.Readers.Count == 1 ? next.Readers[0] : null!;
                    }
                }
                bool relu = next is { Layer: ActivationLayerSpec { Activation.Kind: ActivationKind.ReLU } } && next.Inputs.Count == 1 &&
                    (last == slot || last.Readers.Count == 1);
                if (relu) last = next;
                if (last == slot) continue;
                slot.Fusion = new NormalizationFusion(residual, last, relu);
                for (LayerSlot fused = slot.Readers[0]; ; fused = fused.Readers[0])
                {
                    fused.FusedInto = slot;
                    if (fused == last) break;
                }
            }
            foreach (LayerSlot slot in slots)
            {
                if (!(slot.Layer is Conv2DSpec { Activation.Kind: ActivationKind.Identity }) || slot.Readers.Count != 1) continue;
                LayerSlot norm = slot.Readers[0];
                if (!(norm.Layer is BatchNormalizationSpec)) continue;
                if (norm.Fusion?.Residual?.Producer is { } producer && producer.Index > slot.Index) continue;
                slot.NormalizedBy = norm;
            }
        }
    }

    /// <summary>What a BatchNormalization's forward call also computes: a residual added (an [Add]'s other input), a ReLU, and the layer whose output it writes.</summary>
    internal sealed class NormalizationFusion
    {
        public NormalizationFusion(SlotInput? residual, LayerSlot output, bool relu)
        {
            Residual = residual;
            Output = output;
            Relu = relu;
        }

        public SlotInput? Residual { get; }

        /// <summary>The last fused layer: the BatchNormalization's forward call writes its output buffer.</summary>
        public LayerSlot Output { get; }

        public bool Relu { get; }
    }
}
