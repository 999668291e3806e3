using System.Collections.Generic;
using System.Linq;
using ModelGen.Generator.Emitting;
using ModelGen.Generator.Model;
using ModelGen.Generator.Parsing;

namespace ModelGen.Generator.Layers
{
    /// <summary>Inputs joined along channels (images of one height and width) or end to end (flat vectors).</summary>
    internal sealed record ConcatenateSpec(string Name, Shape Input, Shape Output, EquatableArray<int> Channels) : LayerSpec(Name, Input, Output)
    {
        public override LayerKind Kind => ConcatenateLayer.Instance;

        /// <summary>Rows per sample: pixels for images, 1 for flat vectors.</summary>
        public int Pixels => Output.Height * Output.Width;
    }

    /// <summary>
    /// [Concatenate("A", "B", …)]: channels-last, so each output pixel is its inputs' channel vectors one after
    /// the other; backward hands each input its slice of dy.
    /// </summary>
    internal sealed class ConcatenateLayer : LayerKind<ConcatenateSpec>
    {
        public static readonly ConcatenateLayer Instance = new ConcatenateLayer();

        private const string ReadOnlySpan = "global::System.ReadOnlySpan<float>";
        private const string Span = "global::System.Span<float>";

        public override string AttributeName => "ModelGen.ConcatenateAttribute";
        public override string DisplayName => "Concatenate";
        public override string DefaultNamePrefix => "Concatenate";
        public override bool HasSeveralInputs => true;

        public override LayerSpec? Read(LayerReadContext context, AttributeArguments arguments)
        {
            List<Shape>? shapes = MergeInputs.Read(context, "Concatenate");
            if (shapes is null) return null;
            Shape first = shapes[0];
            bool fits = shapes.All(s => s.IsImage == first.IsImage && (!first.IsImage || (s.Height == first.Height && s.Width == first.Width)));
            if (!fits)
            {
                context.Report(Diagnostics.InputShapesDiffer, context.Name, context.ClassName, "concatenates " + MergeInputs.Describe(context, shapes),
                    "[Concatenate] joins images of one height and width along their channels, or flat vectors end to end");
                return null;
            }
            long channels = shapes.Sum(s => first.IsImage ? (long)s.Channels : s.Size);
            if (channels > int.MaxValue) channels = int.MaxValue; // the resolver reports the size
            Shape output = first.IsImage ? Shape.Image(first.Height, first.Width, (int)channels) : Shape.Flat((int)channels);
            return new ConcatenateSpec(context.Name, first, output,
                new EquatableArray<int>(shapes.Select(s => first.IsImage ? s.Channels : (int)s.Size)));
        }

        protected override string Describe(ConcatenateSpec layer) =>
            "Concatenate " + string.Join(" + ", layer.Channels.Select(Format.Int)) + " -> " + layer.Output;

        protected override string SpecToken(ConcatenateSpec layer) => "concatenate";

        protected override void WriteConstants(SourceWriter w, ConcatenateSpec layer, ref string parameterEnd)
        {
            w.Line("public const int " + layer.Name + "Pixels = " + Format.Int(layer.Pixels) + ";");
            w.Line("public const int " + layer.Name + "Channels = " + Format.Int(layer.Output.Channels) + ";");
            w.Line("public const int " + layer.Name + "Size = " + layer.Name + "Pixels * " + layer.Name + "Channels;");
        }

        protected override string LayerInfo(ConcatenateSpec layer) =>
            "new global::ModelGen.ConcatenateLayerInfo(\"" + layer.Name + "\", " + layer.Input.RuntimeExpression + ", " + layer.Output.RuntimeExpression + ")";

        protected override IEnumerable<string> MemberNames(ConcatenateSpec layer)
        {
            yield return layer.Name + "Pixels";
            yield return layer.Name + "Channels";
            yield return layer.Name + "Size";
            yield return "Forward" + layer.Name;
        }

        public override IEnumerable<WorkspaceBuffer> Buffers(LayerSlot slot)
        {
            string n = slot.Name;
            yield return new WorkspaceBuffer(n + "Activations", "float", n + "Size", slot.Layer.Output.Size,
                n + ": y = [" + string.Join(", ", slot.Inputs.Select(i => i.Tensor)) + "] along channels, and dLoss/dy; each [Capacity, " + n + "Size].");
            yield return new WorkspaceBuffer(n + "Deltas", "float", n + "Size", slot.Layer.Output.Size, null);
        }

        public override void WriteForwardCall(SourceWriter w, LayerSlot slot) =>
            w.Line("Forward" + slot.Name + "(" + string.Join(", ", slot.Inputs.Select(i => i.RunBuffer)) + ", " + slot.RunOutput + ", batchSize);");

        public override void WriteForward(SourceWriter w, LayerSlot slot)
        {
            ConcatenateSpec layer = Spec(slot);
            string n = slot.Name;
            w.Line("// " + n + " forward:");
            w.Line("//   y [batch, " + ActivationLayer.Dimensions(layer.Output) + "] = " +
                string.Join(" | ", slot.Inputs.Select((input, i) => input.Tensor + " [" + Format.Int(layer.Channels[i]) + "]")) + ", per " + (layer.Output.IsImage ? "pixel" : "sample"));
            w.Open("private void Forward" + n + "(" + string.Join(", ", slot.Inputs.Select((input, i) => ReadOnlySpan + " x" + Format.Int(i))) + ", " + Span + " y, int batchSize)");
            int offset = 0;
            for (int i = 0; i < slot.Inputs.Count; i++)
            {
                w.Line("global::ModelGen.Merging.CopyChannels(x" + Format.Int(i) + ", y, batchSize * " + n + "Pixels, " + Format.Int(layer.Channels[i]) + ", " +
                    Format.Int(offset) + ", " + n + "Channels);");
                offset += layer.Channels[i];
            }
            w.Close();
            w.Line();
        }

        public override void WriteBackwardCall(SourceWriter w, LayerSlot slot)
        {
            ConcatenateSpec layer = Spec(slot);
            string n = slot.Name;
            int offset = 0;
            for (int i = 0; i < slot.Inputs.Count; i++)
            {
                SlotInput input = slot.Inputs[i];
                if (input.Deltas is not null)
                {
                    w.Line("// " + n + ": " + input.Tensor + "'s gradient is its channels of dy, [" + Format.Int(offset) + ", " + Format.Int(offset + layer.Channels[i]) + ")");
                    w.Line("global::ModelGen.Merging.SliceChannels(" + slot.OutputDeltas + ", " + input.Deltas + ", batchSize * " + n + "Pixels, " +
                        Format.Int(layer.Channels[i]) + ", " + Format.Int(offset) + ", " + n + "Channels);");
                }
                offset += layer.Channels[i];
            }
        }

        public override void WriteBackward(SourceWriter w, LayerSlot slot) { }
    }
}
