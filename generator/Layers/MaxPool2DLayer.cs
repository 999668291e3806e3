using System.Collections.Generic;
using ModelGen.Generator.Emitting;
using ModelGen.Generator.Model;
using ModelGen.Generator.Parsing;

namespace ModelGen.Generator.Layers
{
    /// <summary>2-D max pooling, channel by channel, over a channels-last image.</summary>
    internal sealed record MaxPool2DSpec(string Name, Shape Input, Shape Output, Window Window) : LayerSpec(Name, Input, Output)
    {
        public override LayerKind Kind => MaxPool2DLayer.Instance;
    }

    /// <summary>
    /// [MaxPool2D(pool)]: forward keeps, for each output value, the input position of its maximum (the
    /// first on ties) in the workspace; backward sends each gradient to that position.
    /// </summary>
    internal sealed class MaxPool2DLayer : LayerKind<MaxPool2DSpec>
    {
        public static readonly MaxPool2DLayer Instance = new MaxPool2DLayer();

        private const string ReadOnlySpan = "global::System.ReadOnlySpan<float>";
        private const string Span = "global::System.Span<float>";

        public override string AttributeName => "ModelGen.MaxPool2DAttribute";
        public override string DisplayName => "MaxPool2D";
        public override string DefaultNamePrefix => "Pool";

        public override LayerSpec? Read(LayerReadContext context, AttributeArguments arguments)
        {
            bool square = arguments.Has("poolSize");
            int poolHeight = arguments.Int(square ? "poolSize" : "poolHeight", 0);
            int poolWidth = arguments.Int(square ? "poolSize" : "poolWidth", 0);
            // Keras: without strides, the windows tile the image (stride = pool size, per axis).
            bool strided = arguments.Has("Stride");
            int stride = arguments.Int("Stride", 0);
            PaddingKind? padding = arguments.Padding(context);
            if (arguments.Unreadable || padding is null) return null;

            bool valid = square
                ? context.CheckPositive("The pool size", poolHeight)
                : context.CheckPositive("The pool height", poolHeight) & context.CheckPositive("The pool width", poolWidth);
            if (strided) valid &= context.CheckStride(stride);
            valid &= context.RequireImage("MaxPool2D");
            if (!valid || context.Input is not { } input) return null;

            Window? window = Window.Resolve(context, "pool", input, poolHeight, poolWidth,
                strided ? stride : poolHeight, strided ? stride : poolWidth, padding.Value);
            if (window is null) return null;
            return new MaxPool2DSpec(context.Name, input, Shape.Image(window.OutputHeight, window.OutputWidth, input.Channels), window);
        }

        protected override string Describe(MaxPool2DSpec layer) =>
            "MaxPool2D " + layer.Input + " -> " + layer.Output + ", " + Format.Int(layer.Window.Height) + "×" + Format.Int(layer.Window.Width) +
            (layer.Window.StrideHeight == layer.Window.Height && layer.Window.StrideWidth == layer.Window.Width ? "" : " stride " + layer.Window.StrideText("×")) +
            layer.Window.PaddingSuffix;

        protected override string SpecToken(MaxPool2DSpec layer) =>
            "max_pool2d(" + Format.Int(layer.Window.Height) + "x" + Format.Int(layer.Window.Width) + ",stride=" +
            Format.Int(layer.Window.StrideHeight) + "x" + Format.Int(layer.Window.StrideWidth) + "," +
            layer.Window.PaddingToken + ")";

        protected override void WriteConstants(SourceWriter w, MaxPool2DSpec layer, ref string parameterEnd)
        {
            string n = layer.Name;
            w.Line("public const int " + n + "InputHeight = " + Format.Int(layer.Input.Height) + ";");
            w.Line("public const int " + n + "InputWidth = " + Format.Int(layer.Input.Width) + ";");
            w.Line("public const int " + n + "Channels = " + Format.Int(layer.Input.Channels) + ";");
            w.Line("public const int " + n + "PoolHeight = " + Format.Int(layer.Window.Height) + ";");
            w.Line("public const int " + n + "PoolWidth = " + Format.Int(layer.Window.Width) + ";");
            w.Line("public const int " + n + "OutputHeight = " + Format.Int(layer.Output.Height) + ";");
            w.Line("public const int " + n + "OutputWidth = " + Format.Int(layer.Output.Width) + ";");
            w.Line("public const int " + n + "InputSize = " + n + "InputHeight * " + n + "InputWidth * " + n + "Channels;");
            w.Line("public const int " + n + "OutputSize = " + n + "OutputHeight * " + n + "OutputWidth * " + n + "Channels;");
            w.Line("/// <summary>Where " + n + "'s windows fall: " + layer.Window.Describe("windows") + ".</summary>");
            w.Line("public static readonly global::ModelGen.ConvGeometry " + n + "Geometry = " + layer.Window.GeometryExpression(layer.Input) + ";");
        }

        protected override string LayerInfo(MaxPool2DSpec layer) =>
            "new global::ModelGen.MaxPool2DLayerInfo(\"" + layer.Name + "\", " + layer.Input.RuntimeExpression + ", " + layer.Output.RuntimeExpression + ", " + layer.Name + "Geometry)";

        protected override IEnumerable<string> MemberNames(MaxPool2DSpec layer)
        {
            foreach (string suffix in new[] { "InputHeight", "InputWidth", "Channels", "PoolHeight", "PoolWidth", "OutputHeight", "OutputWidth", "InputSize", "OutputSize", "Geometry" })
                yield return layer.Name + suffix;
            yield return "Forward" + layer.Name;
            yield return "Backward" + layer.Name;
        }

        public override IEnumerable<WorkspaceBuffer> Buffers(LayerSlot slot)
        {
            MaxPool2DSpec layer = Spec(slot);
            string n = layer.Name;
            yield return new WorkspaceBuffer(n + "Activations", "float", n + "OutputSize", layer.Output.Size,
                n + ": the maxima y, where each came from in its sample's input, and dLoss/dy; each [Capacity, " + n + "OutputSize].");
            yield return new WorkspaceBuffer(n + "Positions", "int", n + "OutputSize", layer.Output.Size, null);
            yield return new WorkspaceBuffer(n + "Deltas", "float", n + "OutputSize", layer.Output.Size, null);
        }

        public override void WriteForwardCall(SourceWriter w, LayerSlot slot) =>
            w.Line("Forward" + slot.Name + "(" + slot.RunInput + ", " + slot.RunOutput + ", workspace." + slot.Name + "Positions, batchSize);");

        public override void WriteForward(SourceWriter w, LayerSlot slot)
        {
            MaxPool2DSpec layer = Spec(slot);
            string n = layer.Name;
            w.Line("// " + n + " forward:");
            w.Line("//   y [batch, " + layer.Output.Dimensions + "] = the largest x [batch, " + layer.Input.Dimensions + "] in each window, channel by channel; " + layer.Window.Describe("windows"));
            w.Line("//   positions [batch, " + layer.Output.Dimensions + "] = where each maximum is in its sample's x (the first one on ties)");
            w.Open("private void Forward" + n + "(" + ReadOnlySpan + " x, " + Span + " y, global::System.Span<int> positions, int batchSize)");
            w.Line("global::ModelGen.Pooling.MaxPool(x, y, positions, batchSize, " + n + "Geometry);");
            w.Close();
            w.Line();
        }

        public override void WriteBackwardCall(SourceWriter w, LayerSlot slot)
        {
            if (slot.NeedsInputGradient)
                w.Line("Backward" + slot.Name + "(" + slot.OutputDeltas + ", workspace." + slot.Name + "Positions, " + slot.InputDeltas + ", batchSize);");
        }

        public override void WriteBackward(SourceWriter w, LayerSlot slot)
        {
            if (!slot.NeedsInputGradient) return;
            MaxPool2DSpec layer = Spec(slot);
            string n = layer.Name;
            w.Line("// " + n + " backward:");
            w.Line("//   dx [batch, " + layer.Input.Dimensions + "] = each dy added at its maximum's position, 0 elsewhere");
            w.Open("private void Backward" + n + "(" + ReadOnlySpan + " deltas, global::System.ReadOnlySpan<int> positions, " + Span + " dx, int batchSize)");
            w.Line("global::ModelGen.Pooling.MaxPoolBackward(deltas, positions, dx, batchSize, " + n + "Geometry);");
            w.Close();
            w.Line();
        }
    }
}
