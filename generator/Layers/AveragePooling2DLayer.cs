using System.Collections.Generic;
using ModelGen.Generator.Emitting;
using ModelGen.Generator.Model;
using ModelGen.Generator.Parsing;

namespace ModelGen.Generator.Layers
{
    /// <summary>2-D average pooling, channel by channel; padded positions counted or not.</summary>
    internal sealed record AveragePooling2DSpec(string Name, Shape Input, Shape Output, Window Window, bool CountIncludePad) : LayerSpec(Name, Input, Output)
    {
        public override LayerKind Kind => AveragePooling2DLayer.Instance;
    }

    /// <summary>[AveragePooling2D(pool)]: each output is its window's mean; backward spreads dy / count over the window.</summary>
    internal sealed class AveragePooling2DLayer : LayerKind<AveragePooling2DSpec>
    {
        public static readonly AveragePooling2DLayer Instance = new AveragePooling2DLayer();

        private const string ReadOnlySpan = "global::System.ReadOnlySpan<float>";
        private const string Span = "global::System.Span<float>";

        public override string AttributeName => "ModelGen.AveragePooling2DAttribute";
        public override string DisplayName => "AveragePooling2D";
        public override string DefaultNamePrefix => "AvgPool";

        public override LayerSpec? Read(LayerReadContext context, AttributeArguments arguments)
        {
            bool square = arguments.Has("poolSize");
            int poolHeight = arguments.Int(square ? "poolSize" : "poolHeight", 0);
            int poolWidth = arguments.Int(square ? "poolSize" : "poolWidth", 0);
            bool strided = arguments.Has("Stride");
            int stride = arguments.Int("Stride", 0);
            bool countIncludePad = arguments.Bool("CountIncludePad", false);
            PaddingKind? padding = arguments.Padding(context);
            if (arguments.Unreadable || padding is null) return null;

            bool valid = square
                ? context.CheckPositive("The pool size", poolHeight)
                : context.CheckPositive("The pool height", poolHeight) & context.CheckPositive("The pool width", poolWidth);
            if (strided) valid &= context.CheckStride(stride);
            valid &= context.RequireImage("AveragePooling2D");
            if (!valid || context.Input is not { } input) return null;

            Window? window = Window.Resolve(context, "pool", input, poolHeight, poolWidth,
                strided ? stride : poolHeight, strided ? stride : poolWidth, padding.Value);
            if (window is null) return null;
            return new AveragePooling2DSpec(context.Name, input, Shape.Image(window.OutputHeight, window.OutputWidth, input.Channels), window, countIncludePad);
        }

        protected override string Describe(AveragePooling2DSpec layer) =>
            "AveragePooling2D " + layer.Input + " -> " + layer.Output + ", " + Format.Int(layer.Window.Height) + "×" + Format.Int(layer.Window.Width) +
            (layer.Window.StrideHeight == layer.Window.Height && layer.Window.StrideWidth == layer.Window.Width ? "" : " stride " + layer.Window.StrideText("×")) +
            layer.Window.PaddingSuffix + (layer.CountIncludePad ? ", padding counted" : "");

        protected override string SpecToken(AveragePooling2DSpec layer) =>
            "avg_pool2d(" + Format.Int(layer.Window.Height) + "x" + Format.Int(layer.Window.Width) + ",stride=" +
            Format.Int(layer.Window.StrideHeight) + "x" + Format.Int(layer.Window.StrideWidth) + "," + layer.Window.PaddingToken +
            (layer.CountIncludePad ? ",count_include_pad" : "") + ")";

        protected override void WriteConstants(SourceWriter w, AveragePooling2DSpec layer, ref string parameterEnd)
        {
            string n = layer.Name;
            w.Line("public const int " + n + "OutputSize = " + Format.Long(layer.Output.Size) + ";");
            w.Line("public const bool " + n + "CountIncludePad = " + (layer.CountIncludePad ? "true" : "false") + ";");
            w.Line("/// <summary>Where " + n + "'s windows fall: " + layer.Window.Describe("windows") + ".</summary>");
            w.Line("public static readonly global::ModelGen.ConvGeometry " + n + "Geometry = " + layer.Window.GeometryExpression(layer.Input) + ";");
        }

        protected override string LayerInfo(AveragePooling2DSpec layer) =>
            "new global::ModelGen.AveragePooling2DLayerInfo(\"" + layer.Name + "\", " + layer.Input.RuntimeExpression + ", " + layer.Output.RuntimeExpression + ", " +
            layer.Name + "Geometry, " + layer.Name + "CountIncludePad)";

        protected override IEnumerable<string> MemberNames(AveragePooling2DSpec layer)
        {
            foreach (string suffix in new[] { "OutputSize", "CountIncludePad", "Geometry" }) yield return layer.Name + suffix;
            yield return "Forward" + layer.Name;
            yield return "Backward" + layer.Name;
        }

        public override IEnumerable<WorkspaceBuffer> Buffers(LayerSlot slot)
        {
            string n = slot.Name;
            yield return new WorkspaceBuffer(n + "Activations", "float", n + "OutputSize", slot.Layer.Output.Size,
                n + ": the window means y and dLoss/dy; each [Capacity, " + n + "OutputSize].");
            yield return new WorkspaceBuffer(n + "Deltas", "float", n + "OutputSize", slot.Layer.Output.Size, null);
        }

        public override void WriteForwardCall(SourceWriter w, LayerSlot slot) =>
            w.Line("Forward" + slot.Name + "(" + slot.RunInput + ", " + slot.RunOutput + ", batchSize);");

        private static string Divisor(AveragePooling2DSpec layer) => layer.CountIncludePad || layer.Window.Padding == PaddingKind.Valid
            ? Format.Int(layer.Window.Height * layer.Window.Width)
            : "the window's pixels inside the image";

        public override void WriteForward(SourceWriter w, LayerSlot slot)
        {
            AveragePooling2DSpec layer = Spec(slot);
            string n = slot.Name;
            w.Line("// " + n + " forward:");
            w.Line("//   y [batch, " + layer.Output.Dimensions + "] = the sum of x [batch, " + layer.Input.Dimensions + "] in each window / " + Divisor(layer) +
                ", channel by channel; " + layer.Window.Describe("windows"));
            w.Open("private void Forward" + n + "(" + ReadOnlySpan + " x, " + Span + " y, int batchSize)");
            w.Line("global::ModelGen.Pooling.AveragePool(x, y, batchSize, " + n + "Geometry, " + n + "CountIncludePad);");
            w.Close();
            w.Line();
        }

        public override void WriteBackwardCall(SourceWriter w, LayerSlot slot)
        {
            if (slot.NeedsInputGradient)
                w.Line("Backward" + slot.Name + "(" + slot.OutputDeltas + ", " + slot.InputDeltas + ", batchSize);");
        }

        public override void WriteBackward(SourceWriter w, LayerSlot slot)
        {
            if (!slot.NeedsInputGradient) return;
            AveragePooling2DSpec layer = Spec(slot);
            string n = slot.Name;
            w.Line("// " + n + " backward:");
            w.Line("//   dx [batch, " + layer.Input.Dimensions + "] = each dy / " + Divisor(layer) + " added at every pixel of its window");
            w.Open("private void Backward" + n + "(" + ReadOnlySpan + " deltas, " + Span + " dx, int batchSize)");
            w.Line("global::ModelGen.Pooling.AveragePoolBackward(deltas, dx, batchSize, " + n + "Geometry, " + n + "CountIncludePad);");
            w.Close();
            w.Line();
        }
    }
}
