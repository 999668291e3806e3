using System.Collections.Generic;
using System.Linq;
using ModelGen.Generator.Emitting;
using ModelGen.Generator.Model;
using ModelGen.Generator.Parsing;

namespace ModelGen.Generator.Layers
{
    /// <summary>An element-wise sum of inputs of one shape (the residual connection).</summary>
    internal sealed record AddSpec(string Name, Shape Input, Shape Output, int InputCount) : LayerSpec(Name, Input, Output)
    {
        public override LayerKind Kind => AddLayer.Instance;
    }

    /// <summary>
    /// [Add("A", "B", …)]: y = a + b + …. Backward sends dy, whole, to every input; where an input is also read
    /// by another layer (the block input of a residual block), the planner adds the two gradients.
    /// </summary>
    internal sealed class AddLayer : LayerKind<AddSpec>
    {
        public static readonly AddLayer Instance = new AddLayer();

        private const string ReadOnlySpan = "global::System.ReadOnlySpan<float>";
        private const string Span = "global::System.Span<float>";

        public override string AttributeName => "ModelGen.AddAttribute";
        public override string DisplayName => "Add";
        public override string DefaultNamePrefix => "Add";
        public override bool HasSeveralInputs => true;

        public override bool ForwardsGradient => true;

        public override bool KeepsOutputDeltas => true;

        public override LayerSpec? Read(LayerReadContext context, AttributeArguments arguments)
        {
            List<Shape>? shapes = MergeInputs.Read(context, "Add");
            if (shapes is null) return null;
            if (shapes.Any(s => s != shapes[0]))
            {
                context.Report(Diagnostics.InputShapesDiffer, context.Name, context.ClassName, "adds " + MergeInputs.Describe(context, shapes),
                    "[Add] needs inputs of one shape (a strided block needs a strided 1×1 Conv2D on its shortcut)");
                return null;
            }
            return new AddSpec(context.Name, shapes[0], shapes[0], shapes.Count);
        }

        protected override string Describe(AddSpec layer) => "Add " + Format.Int(layer.InputCount) + " × " + layer.Input;

        protected override string SpecToken(AddSpec layer) => "add";

        protected override void WriteConstants(SourceWriter w, AddSpec layer, ref string parameterEnd) =>
            w.Line("public const int " + layer.Name + "Size = " + Format.Long(layer.Output.Size) + ";");

        protected override string LayerInfo(AddSpec layer) =>
            "new global::ModelGen.AddLayerInfo(\"" + layer.Name + "\", " + layer.Input.RuntimeExpression + ", " + layer.Output.RuntimeExpression + ")";

        protected override IEnumerable<string> MemberNames(AddSpec layer)
        {
            yield return layer.Name + "Size";
            yield return "Forward" + layer.Name;
            yield return "Backward" + layer.Name;
        }

        public override IEnumerable<WorkspaceBuffer> Buffers(LayerSlot slot)
        {
            string n = slot.Name;
            bool ownDeltas = slot.OutputDeltas == "workspace." + n + "Deltas";
            yield return new WorkspaceBuffer(n + "Activations", "float", n + "Size", slot.Layer.Output.Size,
                n + ": y = " + string.Join(" + ", slot.Inputs.Select(i => i.Tensor)) + (ownDeltas ? " and dLoss/dy; each" : ",") + " [Capacity, " + n + "Size].");
            // dLoss/dy is an input's own gradient buffer when the planner could share it (see GraphPlanner).
            if (ownDeltas) yield return new WorkspaceBuffer(n + "Deltas", "float", n + "Size", slot.Layer.Output.Size, null);
        }

        public override void WriteForwardCall(SourceWriter w, LayerSlot slot) =>
            w.Line("Forward" + slot.Name + "(" + string.Join(", ", slot.Inputs.Select(i => i.RunBuffer)) + ", " + slot.RunOutput + ", batchSize);");

        public override void WriteForward(SourceWriter w, LayerSlot slot)
        {
            string n = slot.Name, shape = ActivationLayer.Dimensions(slot.Layer.Output);
            var parameters = slot.Inputs.Select((input, i) => ReadOnlySpan + " " + Variable(i)).ToList();
            w.Line("// " + n + " forward:");
            w.Line("//   y [batch, " + shape + "] = " + string.Join(" + ", slot.Inputs.Select((input, i) => Variable(i) + " (" + input.Tensor + ")")));
            w.Open("private void Forward" + n + "(" + string.Join(", ", parameters) + ", " + Span + " y, int batchSize)");
            w.Line("int count = batchSize * " + n + "Size;");
            w.Line("global::ModelGen.Merging.Add(a.Slice(0, count), b.Slice(0, count), y.Slice(0, count));");
            for (int i = 2; i < slot.Inputs.Count; i++) w.Line("global::ModelGen.Merging.AddInto(y.Slice(0, count), " + Variable(i) + ".Slice(0, count));");
            w.Close();
            w.Line();
        }

        public override void WriteBackwardCall(SourceWriter w, LayerSlot slot)
        {
            string n = slot.Name;
            var forwarded = slot.Inputs.Where(i => i.Forwarded).Select(i => i.Producer!.GradientReaders == 1
                ? i.Tensor + "'s gradient buffer is this one"
                : i.Tensor + "'s is added " + (i.Sum is null ? "by its other reader's sum" : "below")).ToList();
            var copied = slot.Inputs.Where(i => i.Deltas is not null).ToList();
            if (forwarded.Count + copied.Count == 0) return;
            w.Line("// " + n + ": each input's gradient is dy, whole" + (forwarded.Count > 0 ? " (" + string.Join("; ", forwarded) + ")" : ""));
            foreach (SlotInput input in copied)
                w.Line(slot.OutputDeltas + ".AsSpan(0, batchSize * " + n + "Size).CopyTo(" + input.Deltas + ");");
        }

        public override void WriteBackward(SourceWriter w, LayerSlot slot) { }

        private static string Variable(int index) => ((char)('a' + index)).ToString();
    }
}
