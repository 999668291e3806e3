using System.Collections.Generic;
using ModelGen.Generator.Emitting;
using ModelGen.Generator.Model;
using ModelGen.Generator.Parsing;

namespace ModelGen.Generator.Layers
{
    /// <summary>An activation as a layer of its own: y = f(x), value by value.</summary>
    internal sealed record ActivationLayerSpec(string Name, Shape Input, Shape Output, ActivationSpec Activation) : LayerSpec(Name, Input, Output)
    {
        public override LayerKind Kind => ActivationLayer.Instance;
        public override ActivationSpec? LayerActivation => Activation;
    }

    /// <summary>
    /// [Activation(f)]: Keras' Activation layer, so that Conv2D → BatchNormalization → ReLU can be written. It
    /// keeps y (the derivatives of ModelGen's activations are written in terms of y) and its own dy.
    /// </summary>
    internal sealed class ActivationLayer : LayerKind<ActivationLayerSpec>
    {
        public static readonly ActivationLayer Instance = new ActivationLayer();

        private const string ReadOnlySpan = "global::System.ReadOnlySpan<float>";
        private const string Span = "global::System.Span<float>";

        public override string AttributeName => "ModelGen.ActivationAttribute";
        public override string DisplayName => "Activation";
        public override string DefaultNamePrefix => "Activation";
        public override bool IsElementWise => true;

        public override LayerSpec? Read(LayerReadContext context, AttributeArguments arguments)
        {
            ActivationSpec? activation = arguments.Activation(context, softmaxAllowed: false);
            if (arguments.Unreadable || activation is null) return null;
            if (activation.Kind == ActivationKind.Softmax)
            {
                context.Report(Diagnostics.SoftmaxOnlyOnDense, context.Name, context.ClassName, "Activation");
                return null;
            }
            if (context.Input is not { } input) return null;
            return new ActivationLayerSpec(context.Name, input, input, activation);
        }

        protected override string Describe(ActivationLayerSpec layer) => "Activation " + layer.Input + ", " + layer.Activation.Row.Display;

        protected override string SpecToken(ActivationLayerSpec layer) => "activation(" + layer.Activation.Row.SpecToken + ")";

        protected override void WriteConstants(SourceWriter w, ActivationLayerSpec layer, ref string parameterEnd) =>
            w.Line("public const int " + layer.Name + "Size = " + Format.Long(layer.Output.Size) + ";");

        protected override string LayerInfo(ActivationLayerSpec layer) =>
            "new global::ModelGen.ActivationLayerInfo(\"" + layer.Name + "\", " + layer.Input.RuntimeExpression + ", " + layer.Output.RuntimeExpression +
            ", global::ModelGen.Activation." + layer.Activation.Kind + ", " + Format.FloatLiteral(layer.Activation.Slope) + ")";

        protected override IEnumerable<string> MemberNames(ActivationLayerSpec layer)
        {
            yield return layer.Name + "Size";
            yield return "Forward" + layer.Name;
            yield return "Backward" + layer.Name;
        }

        public override IEnumerable<WorkspaceBuffer> Buffers(LayerSlot slot)
        {
            string n = slot.Name;
            yield return new WorkspaceBuffer(n + "Activations", "float", n + "Size", slot.Layer.Output.Size,
                n + ": y = " + (Spec(slot).Activation.Row.ForwardFormula ?? "x") + " and dLoss/dy (turned into dLoss/dx in place); each [Capacity, " + n + "Size].");
            yield return new WorkspaceBuffer(n + "Deltas", "float", n + "Size", slot.Layer.Output.Size, null);
        }

        public override void WriteForwardCall(SourceWriter w, LayerSlot slot) =>
            w.Line("Forward" + slot.Name + "(" + slot.RunInput + ", " + slot.RunOutput + ", batchSize);");

        public override void WriteForward(SourceWriter w, LayerSlot slot)
        {
            ActivationRow activation = Spec(slot).Activation.Row;
            string n = slot.Name;
            w.Line("// " + n + " forward, " + activation.Display + ":");
            w.Line("//   y [batch, " + Dimensions(slot.Layer.Output) + "] = " + (activation.ForwardFormula?.Replace("z", "x") ?? "x"));
            w.Open("private void Forward" + n + "(" + ReadOnlySpan + " x, " + Span + " y, int batchSize)");
            w.Line("int count = batchSize * " + n + "Size;");
            w.Line("x.Slice(0, count).CopyTo(y);");
            if (activation.ForwardCall is not null) w.Line(activation.ForwardCall("y.Slice(0, count)"));
            w.Close();
            w.Line();
        }

        public override void WriteBackwardCall(SourceWriter w, LayerSlot slot)
        {
            if (slot.NeedsInputGradient)
                w.Line("Backward" + slot.Name + "(" + slot.SavedOutput + ", " + slot.OutputDeltas + ", " + slot.InputDeltas + ", batchSize);");
        }

        public override void WriteBackward(SourceWriter w, LayerSlot slot)
        {
            if (!slot.NeedsInputGradient) return;
            ActivationRow activation = Spec(slot).Activation.Row;
            string n = slot.Name;
            // ReLU writes dx straight from dy; the others turn dy into dx in place, then copy it.
            bool relu = Spec(slot).Activation.Kind == ActivationKind.ReLU;
            w.Line("// " + n + " backward, " + activation.Display + ":");
            w.Line("//   dx [batch, " + Dimensions(slot.Layer.Output) + "] = " + (activation.DerivativeFormula is null ? "dy" : "dy ⊙ " + activation.DerivativeFormula +
                (relu ? "" : "   (in place over dy, then copied)")));
            w.Open("private void Backward" + n + "(" + ReadOnlySpan + " y, " + Span + " deltas, " + Span + " dx, int batchSize)");
            w.Line("int count = batchSize * " + n + "Size;");
            if (relu)
            {
                w.Line("global::ModelGen.Activations.ReLUBackward(y.Slice(0, count), deltas.Slice(0, count), dx.Slice(0, count));");
                w.Close();
                w.Line();
                return;
            }
            if (activation.BackwardCall is not null) w.Line(activation.BackwardCall("y.Slice(0, count)", "deltas.Slice(0, count)"));
            w.Line("deltas.Slice(0, count).CopyTo(dx);");
            w.Close();
            w.Line();
        }

        /// <summary>"26, 26, 32" or "128", for shape comments.</summary>
        internal static string Dimensions(Shape shape) => shape.IsImage ? shape.Dimensions : Format.Long(shape.Size);
    }
}
