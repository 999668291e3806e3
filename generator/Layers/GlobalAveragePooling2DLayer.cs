using System.Collections.Generic;
using ModelGen.Generator.Emitting;
using ModelGen.Generator.Model;
using ModelGen.Generator.Parsing;

namespace ModelGen.Generator.Layers
{
    /// <summary>Each channel's mean over an image's pixels: [h, w, c] → [c].</summary>
    internal sealed record GlobalAveragePooling2DSpec(string Name, Shape Input, Shape Output) : LayerSpec(Name, Input, Output)
    {
        public override LayerKind Kind => GlobalAveragePooling2DLayer.Instance;
    }

    /// <summary>[GlobalAveragePooling2D]: forward averages each channel; backward spreads dy / pixels over them.</summary>
    internal sealed class GlobalAveragePooling2DLayer : LayerKind<GlobalAveragePooling2DSpec>
    {
        public static readonly GlobalAveragePooling2DLayer Instance = new GlobalAveragePooling2DLayer();

        private const string ReadOnlySpan = "global::System.ReadOnlySpan<float>";
        private const string Span = "global::System.Span<float>";

        public override string AttributeName => "ModelGen.GlobalAveragePooling2DAttribute";
        public override string DisplayName => "GlobalAveragePooling2D";
        public override string DefaultNamePrefix => "GlobalPool";

        public override LayerSpec? Read(LayerReadContext context, AttributeArguments arguments)
        {
            if (!context.RequireImage("GlobalAveragePooling2D") || context.Input is not { } input) return null;
            return new GlobalAveragePooling2DSpec(context.Name, input, Shape.Flat(input.Channels));
        }

        protected override string Describe(GlobalAveragePooling2DSpec layer) => "GlobalAveragePooling2D " + layer.Input + " -> " + layer.Output;

        protected override string SpecToken(GlobalAveragePooling2DSpec layer) => "global_avg_pool2d";

        protected override void WriteConstants(SourceWriter w, GlobalAveragePooling2DSpec layer, ref string parameterEnd)
        {
            w.Line("public const int " + layer.Name + "Pixels = " + Format.Int(layer.Input.Height * layer.Input.Width) + ";");
            w.Line("public const int " + layer.Name + "Channels = " + Format.Int(layer.Input.Channels) + ";");
        }

        protected override string LayerInfo(GlobalAveragePooling2DSpec layer) =>
            "new global::ModelGen.GlobalAveragePooling2DLayerInfo(\"" + layer.Name + "\", " + layer.Input.RuntimeExpression + ", " + layer.Output.RuntimeExpression + ")";

        protected override IEnumerable<string> MemberNames(GlobalAveragePooling2DSpec layer)
        {
            yield return layer.Name + "Pixels";
            yield return layer.Name + "Channels";
            yield return "Forward" + layer.Name;
            yield return "Backward" + layer.Name;
        }

        public override IEnumerable<WorkspaceBuffer> Buffers(LayerSlot slot)
        {
            string n = slot.Name;
            yield return new WorkspaceBuffer(n + "Activations", "float", n + "Channels", slot.Layer.Output.Size,
                n + ": the channel means y and dLoss/dy; each [Capacity, " + n + "Channels].");
            yield return new WorkspaceBuffer(n + "Deltas", "float", n + "Channels", slot.Layer.Output.Size, null);
        }

        public override void WriteForwardCall(SourceWriter w, LayerSlot slot) =>
            w.Line("Forward" + slot.Name + "(" + slot.RunInput + ", " + slot.RunOutput + ", batchSize);");

        public override void WriteForward(SourceWriter w, LayerSlot slot)
        {
            string n = slot.Name;
            w.Line("// " + n + " forward:");
            w.Line("//   y [batch, " + Format.Int(slot.Layer.Input.Channels) + "] = the mean of x [batch, " + slot.Layer.Input.Dimensions + "] over its " +
                Format.Int(slot.Layer.Input.Height * slot.Layer.Input.Width) + " pixels, channel by channel");
            w.Open("private void Forward" + n + "(" + ReadOnlySpan + " x, " + Span + " y, int batchSize)");
            w.Line("global::ModelGen.Pooling.GlobalAveragePool(x, y, batchSize, " + n + "Pixels, " + n + "Channels);");
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
            string n = slot.Name;
            w.Line("// " + n + " backward:");
            w.Line("//   dx [batch, " + slot.Layer.Input.Dimensions + "] = dy / " + Format.Int(slot.Layer.Input.Height * slot.Layer.Input.Width) + " at every pixel");
            w.Open("private void Backward" + n + "(" + ReadOnlySpan + " deltas, " + Span + " dx, int batchSize)");
            w.Line("global::ModelGen.Pooling.GlobalAveragePoolBackward(deltas, dx, batchSize, " + n + "Pixels, " + n + "Channels);");
            w.Close();
            w.Line();
        }
    }
}
