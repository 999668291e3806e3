using System.Collections.Generic;
using ModelGen.Generator.Emitting;
using ModelGen.Generator.Model;
using ModelGen.Generator.Parsing;

namespace ModelGen.Generator.Layers
{
    /// <summary>A flatten: an image's values, in the same order, seen as a flat vector.</summary>
    internal sealed record FlattenSpec(string Name, Shape Input, Shape Output) : LayerSpec(Name, Input, Output)
    {
        public override LayerKind Kind => FlattenLayer.Instance;
    }

    /// <summary>
    /// [Flatten]: channels-last images are already stored as flat rows, so the layer moves no data and
    /// owns no buffer: the next layer reads its input's buffer, and its gradient goes straight back. Only
    /// when another layer also reads the image does it keep a gradient buffer of its own, copied back.
    /// </summary>
    internal sealed class FlattenLayer : LayerKind<FlattenSpec>
    {
        public static readonly FlattenLayer Instance = new FlattenLayer();

        public override string AttributeName => "ModelGen.FlattenAttribute";
        public override string DisplayName => "Flatten";
        public override string DefaultNamePrefix => "Flatten";

        public override LayerSpec? Read(LayerReadContext context, AttributeArguments arguments)
        {
            if (arguments.Unreadable || context.Input is not { } input) return null;
            if (!input.IsImage)
            {
                context.Report(Diagnostics.FlattenOfFlat, context.Name, context.ClassName, input.ToString());
                return null;
            }
            return new FlattenSpec(context.Name, input, Shape.Flat((int)input.Size));
        }

        protected override string Describe(FlattenSpec layer) => "Flatten " + layer.Input + " -> " + layer.Output;

        protected override string SpecToken(FlattenSpec layer) => "flatten";

        protected override void WriteConstants(SourceWriter w, FlattenSpec layer, ref string parameterEnd) =>
            w.Line("public const int " + layer.Name + "Size = " + Format.Long(layer.Output.Size) + ";");

        protected override string LayerInfo(FlattenSpec layer) =>
            "new global::ModelGen.FlattenLayerInfo(\"" + layer.Name + "\", " + layer.Input.RuntimeExpression + ", " + layer.Output.RuntimeExpression + ")";

        protected override IEnumerable<string> MemberNames(FlattenSpec layer)
        {
            yield return layer.Name + "Size";
        }

        public override IEnumerable<WorkspaceBuffer> Buffers(LayerSlot slot)
        {
            if (!SharesGradient(slot))
                yield return new WorkspaceBuffer(slot.Name + "Deltas", "float", slot.Name + "Size", slot.Layer.Output.Size,
                    slot.Name + ": dLoss/dy, [Capacity, " + slot.Name + "Size]: its input has other readers, so it is copied back rather than shared.");
        }

        public override string OutputBuffer(LayerSlot slot, string input) => input;

        public override string? DeltasBuffer(LayerSlot slot, string? inputDeltas) =>
            SharesGradient(slot) ? inputDeltas : "workspace." + slot.Name + "Deltas";

        /// <summary>Whether the gradient buffer is its input's (no gradient is needed, or it is that tensor's only reader).</summary>
        private static bool SharesGradient(LayerSlot slot) => !slot.NeedsInputGradient || slot.OwnsInputGradient;

        public override void WriteForwardCall(SourceWriter w, LayerSlot slot) =>
            w.Line("// " + slot.Name + ": flatten " + slot.Layer.Input + " -> " + slot.Layer.Output + ", the same values in the same buffer");

        public override void WriteForward(SourceWriter w, LayerSlot slot) { }

        public override void WriteBackwardCall(SourceWriter w, LayerSlot slot)
        {
            if (SharesGradient(slot)) return;
            w.Line("// " + slot.Name + ": dx = dy, copied back to the image's gradient");
            w.Line(slot.OutputDeltas + ".AsSpan(0, batchSize * " + slot.Name + "Size).CopyTo(" + slot.InputDeltas + ");");
        }

        public override void WriteBackward(SourceWriter w, LayerSlot slot) { }
    }
}
