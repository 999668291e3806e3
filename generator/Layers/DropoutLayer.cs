using System.Collections.Generic;
using ModelGen.Generator.Emitting;
using ModelGen.Generator.Model;
using ModelGen.Generator.Parsing;

namespace ModelGen.Generator.Layers
{
    /// <summary>Inverted dropout at <see cref="Rate"/>.</summary>
    internal sealed record DropoutSpec(string Name, Shape Input, Shape Output, float Rate) : LayerSpec(Name, Input, Output)
    {
        public override LayerKind Kind => DropoutLayer.Instance;
        public override bool UsesTrainingMode => true;
    }

    /// <summary>
    /// [Dropout(rate)]: in training, y = x ⊙ mask with mask values 0 (probability rate) or 1 / (1 − rate),
    /// drawn from the model's own generator; in inference, y = x. The mask stays in the workspace for backward.
    /// </summary>
    internal sealed class DropoutLayer : LayerKind<DropoutSpec>
    {
        public static readonly DropoutLayer Instance = new DropoutLayer();

        private const string ReadOnlySpan = "global::System.ReadOnlySpan<float>";
        private const string Span = "global::System.Span<float>";

        public override string AttributeName => "ModelGen.DropoutAttribute";
        public override string DisplayName => "Dropout";
        public override string DefaultNamePrefix => "Dropout";
        public override bool IsElementWise => true;

        public override LayerSpec? Read(LayerReadContext context, AttributeArguments arguments)
        {
            double rate = arguments.Double("rate", 0);
            if (arguments.Unreadable) return null;
            bool valid = true;
            // The rate is used as a float: check the value the generated code will use.
            float used = (float)rate;
            if (!(used >= 0f && used < 1f))
            {
                context.Report(Diagnostics.DropoutRateOutOfRange, context.Name, context.ClassName, rate);
                valid = false;
            }
            if (context.IsLast)
            {
                context.Report(Diagnostics.DropoutLast, context.Name, context.ClassName);
                valid = false;
            }
            if (!valid || context.Input is not { } input) return null;
            return new DropoutSpec(context.Name, input, input, used);
        }

        protected override string Describe(DropoutSpec layer) => "Dropout " + layer.Input + ", rate " + Format.Float(layer.Rate);

        protected override string SpecToken(DropoutSpec layer) => "dropout(" + Format.Float(layer.Rate) + ")";

        protected override void WriteConstants(SourceWriter w, DropoutSpec layer, ref string parameterEnd)
        {
            w.Line("public const int " + layer.Name + "Size = " + Format.Long(layer.Output.Size) + ";");
            w.Line("public const float " + layer.Name + "Rate = " + Format.FloatLiteral(layer.Rate) + ";");
        }

        protected override string LayerInfo(DropoutSpec layer) =>
            "new global::ModelGen.DropoutLayerInfo(\"" + layer.Name + "\", " + layer.Input.RuntimeExpression + ", " + layer.Output.RuntimeExpression + ", " + layer.Name + "Rate)";

        protected override IEnumerable<string> MemberNames(DropoutSpec layer)
        {
            yield return layer.Name + "Size";
            yield return layer.Name + "Rate";
            yield return "Forward" + layer.Name;
            yield return "Backward" + layer.Name;
        }

        public override IEnumerable<WorkspaceBuffer> Buffers(LayerSlot slot)
        {
            string n = slot.Name;
            yield return new WorkspaceBuffer(n + "Activations", "float", n + "Size", slot.Layer.Output.Size,
                n + ": y, the mask of the last training Forward, and dLoss/dy; each [Capacity, " + n + "Size].");
            yield return new WorkspaceBuffer(n + "MaskBuffer", "float", n + "Size", slot.Layer.Output.Size, null);
            yield return new WorkspaceBuffer(n + "Deltas", "float", n + "Size", slot.Layer.Output.Size, null);
        }

        public override void WriteForwardCall(SourceWriter w, LayerSlot slot) =>
            w.Line("Forward" + slot.Name + "(" + slot.RunInput + ", " + slot.RunOutput + ", workspace." + slot.Name + "MaskBuffer, batchSize, training);");

        public override void WriteForward(SourceWriter w, LayerSlot slot)
        {
            string n = slot.Name, size = Format.Long(slot.Layer.Output.Size);
            w.Line("// " + n + " forward, rate " + Format.Float(Spec(slot).Rate) + ":");
            w.Line("//   training:  mask [batch, " + size + "] = 0 with probability rate, else 1 / (1 - rate), from the model's generator");
            w.Line("//              y [batch, " + size + "] = x ⊙ mask");
            w.Line("//   inference: y = x");
            w.Open("private void Forward" + n + "(" + ReadOnlySpan + " x, " + Span + " y, " + Span + " mask, int batchSize, bool training)");
            w.Line("int count = batchSize * " + n + "Size;");
            w.Open("if (training)");
            w.Line("global::ModelGen.Dropout.Mask(mask.Slice(0, count), " + n + "Rate, ref _dropoutRandom);");
            w.Line("global::ModelGen.Dropout.Apply(x.Slice(0, count), mask, y);");
            w.Close();
            w.Open("else");
            w.Line("x.Slice(0, count).CopyTo(y);");
            w.Close();
            w.Close();
            w.Line();
        }

        public override void WriteBackwardCall(SourceWriter w, LayerSlot slot)
        {
            if (slot.NeedsInputGradient)
                w.Line("Backward" + slot.Name + "(" + slot.OutputDeltas + ", workspace." + slot.Name + "MaskBuffer, " + slot.InputDeltas + ", batchSize, workspace.Training);");
        }

        public override void WriteBackward(SourceWriter w, LayerSlot slot)
        {
            if (!slot.NeedsInputGradient) return;
            string n = slot.Name, size = Format.Long(slot.Layer.Output.Size);
            w.Line("// " + n + " backward:");
            w.Line("//   dx [batch, " + size + "] = dy ⊙ mask after a training Forward, dy after an inference one");
            w.Open("private void Backward" + n + "(" + ReadOnlySpan + " deltas, " + ReadOnlySpan + " mask, " + Span + " dx, int batchSize, bool training)");
            w.Line("int count = batchSize * " + n + "Size;");
            w.Line("if (training) global::ModelGen.Dropout.Apply(deltas.Slice(0, count), mask, dx);");
            w.Line("else deltas.Slice(0, count).CopyTo(dx);");
            w.Close();
            w.Line();
        }
    }
}
