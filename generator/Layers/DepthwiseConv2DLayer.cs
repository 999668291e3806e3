using System.Collections.Generic;
using ModelGen.Generator.Emitting;
using ModelGen.Generator.Model;
using ModelGen.Generator.Parsing;

namespace ModelGen.Generator.Layers
{
    /// <summary>A depthwise 2-D convolution: each input channel with its own DepthMultiplier kernels; W [kh, kw, C, M], b [C·M].</summary>
    internal sealed record DepthwiseConv2DSpec(string Name, Shape Input, Shape Output, Window Window, ActivationSpec Activation, int Multiplier,
        bool HasBias = true, string? SavedName = null)
        : LayerSpec(Name, Input, Output)
    {
        public override LayerKind Kind => DepthwiseConv2DLayer.Instance;
        public override ActivationSpec? LayerActivation => Activation;
        public int Filters => Output.Channels;
        public override long ParameterCount => (long)Window.Height * Window.Width * Filters + Filters;
        public override long BiasCount => Filters;
    }

    /// <summary>
    /// [DepthwiseConv2D(kernel)]: output channel c·M + m of pixel (i, j) sums x[·, ·, c] over its window times
    /// W[·, ·, c, m] (PyTorch's Conv2d(C, C·M, groups=C), whose weight [C·M, 1, kh, kw] is W transposed). With one
    /// kernel per channel there is no matrix product to form: the kernel walks the windows directly.
    /// </summary>
    internal sealed class DepthwiseConv2DLayer : LayerKind<DepthwiseConv2DSpec>
    {
        public static readonly DepthwiseConv2DLayer Instance = new DepthwiseConv2DLayer();

        private const string ReadOnlySpan = "global::System.ReadOnlySpan<float>";
        private const string Span = "global::System.Span<float>";

        public override string AttributeName => "ModelGen.DepthwiseConv2DAttribute";
        public override string DisplayName => "DepthwiseConv2D";
        public override string DefaultNamePrefix => "DepthwiseConv";

        public override IEnumerable<string> HeaderNotes => new[]
        {
            "A DepthwiseConv2D layer stores W [kernel height, kernel width, channels, multiplier] (Keras' layout): output",
            "channel c·multiplier + m convolves input channel c alone with W[·, ·, c, m].",
        };

        public override LayerSpec? Read(LayerReadContext context, AttributeArguments arguments)
        {
            bool square = arguments.Has("kernelSize");
            int kernelHeight = arguments.Int(square ? "kernelSize" : "kernelHeight", 0);
            int kernelWidth = arguments.Int(square ? "kernelSize" : "kernelWidth", 0);
            int stride = arguments.Int("Stride", 1);
            int multiplier = arguments.Int("DepthMultiplier", 1);
            bool useBias = arguments.Bool("UseBias", true);
            ActivationSpec? activation = arguments.Activation(context, softmaxAllowed: false);
            PaddingKind? padding = arguments.Padding(context);
            if (arguments.Unreadable || activation is null || padding is null) return null;

            bool valid = square
                ? context.CheckPositive("The kernel size", kernelHeight)
                : context.CheckPositive("The kernel height", kernelHeight) & context.CheckPositive("The kernel width", kernelWidth);
            valid &= context.CheckPositive("The depth multiplier", multiplier);
            valid &= context.CheckStride(stride);
            if (activation.Kind == ActivationKind.Softmax)
            {
                context.Report(Diagnostics.SoftmaxOnlyOnDense, context.Name, context.ClassName, "DepthwiseConv2D");
                valid = false;
            }
            valid &= context.RequireImage("DepthwiseConv2D");
            if (!valid || context.Input is not { } input) return null;
            Window? window = Window.Resolve(context, "kernel", input, kernelHeight, kernelWidth, stride, stride, padding.Value);
            if (window is null) return null;
            long channels = (long)input.Channels * multiplier;
            if (channels > int.MaxValue) channels = int.MaxValue; // the resolver reports the size
            return new DepthwiseConv2DSpec(context.Name, input, Shape.Image(window.OutputHeight, window.OutputWidth, (int)channels), window, activation,
                multiplier, useBias, context.SavedName);
        }

        protected override string Describe(DepthwiseConv2DSpec layer) =>
            "DepthwiseConv2D " + layer.Input + " -> " + layer.Output + ", " + Format.Int(layer.Window.Height) + "×" + Format.Int(layer.Window.Width) +
            (layer.Multiplier == 1 ? "" : " ×" + Format.Int(layer.Multiplier)) +
            (layer.Window.StrideHeight == 1 ? "" : " stride " + Format.Int(layer.Window.StrideHeight)) +
            layer.Window.PaddingSuffix + ", " + layer.Activation.Row.Display + WeightsAndBiases.NoBiasSuffix(layer.HasBias);

        protected override string SpecToken(DepthwiseConv2DSpec layer) =>
            "depthwise_conv2d(" + Format.Int(layer.Window.Height) + "x" + Format.Int(layer.Window.Width) + ",multiplier=" + Format.Int(layer.Multiplier) +
            ",stride=" + layer.Window.StrideText("x") + "," + layer.Window.PaddingToken + "," + layer.Activation.Row.SpecToken + WeightsAndBiases.NoBiasToken(layer.HasBias) + ")";

        protected override void WriteConstants(SourceWriter w, DepthwiseConv2DSpec layer, ref string parameterEnd)
        {
            string n = layer.Name;
            w.Line("public const int " + n + "KernelHeight = " + Format.Int(layer.Window.Height) + ";");
            w.Line("public const int " + n + "KernelWidth = " + Format.Int(layer.Window.Width) + ";");
            w.Line("public const int " + n + "InputChannels = " + Format.Int(layer.Input.Channels) + ";");
            w.Line("public const int " + n + "DepthMultiplier = " + Format.Int(layer.Multiplier) + ";");
            w.Line("public const int " + n + "Filters = " + n + "InputChannels * " + n + "DepthMultiplier;");
            w.Line("public const int " + n + "OutputSize = " + Format.Long(layer.Output.Size) + ";");
            WeightsAndBiases.WriteConstants(w, n, n + "KernelHeight * " + n + "KernelWidth * " + n + "Filters", n + "Filters", ref parameterEnd);
            w.Line("/// <summary>Where " + n + "'s windows fall: " + layer.Window.Describe("windows") + ".</summary>");
            w.Line("public static readonly global::ModelGen.ConvGeometry " + n + "Geometry = " + layer.Window.GeometryExpression(layer.Input) + ";");
        }

        protected override void WriteViews(SourceWriter w, DepthwiseConv2DSpec layer)
        {
            string n = layer.Name;
            WeightsAndBiases.WriteViews(w, n, "[" + n + "KernelHeight, " + n + "KernelWidth, " + n + "InputChannels, " + n + "DepthMultiplier]", "[" + n + "Filters]");
        }

        // Keras' fans for its depthwise kernel [kh, kw, C, M]: fan in kh·kw·C, fan out kh·kw·M.
        protected override void WriteInitialization(SourceWriter w, DepthwiseConv2DSpec layer)
        {
            string n = layer.Name;
            WeightsAndBiases.WriteInitialization(w, n, n + "KernelHeight * " + n + "KernelWidth * " + n + "InputChannels", n + "KernelHeight * " + n + "KernelWidth * " + n + "DepthMultiplier");
        }

        protected override string LayerInfo(DepthwiseConv2DSpec layer)
        {
            string n = layer.Name;
            return "new global::ModelGen.DepthwiseConv2DLayerInfo(\"" + n + "\", " + layer.Input.RuntimeExpression + ", " + layer.Output.RuntimeExpression + ", " +
                n + "Geometry, " + n + "DepthMultiplier, global::ModelGen.Activation." + layer.Activation.Kind + ", " + Format.FloatLiteral(layer.Activation.Slope) + ", " +
                n + "WeightsOffset, " + n + "BiasesOffset)";
        }

        // PyTorch's Conv2d(C, C·M, groups=C).weight is [C·M, 1, kh, kw].
        protected override IEnumerable<string> SavedTensors(DepthwiseConv2DSpec layer, LayerSlot slot)
        {
            string n = layer.Name, saved = layer.SavedName ?? n;
            yield return "global::ModelGen.Serialization.TensorLayout.DepthwiseConv2D(\"" + saved + ".weight\", " + n + "WeightsOffset, " +
                n + "KernelHeight, " + n + "KernelWidth, " + n + "InputChannels, " + n + "DepthMultiplier)";
            if (layer.HasBias) yield return WeightsAndBiases.SavedBiases(n, saved);
        }

        protected override IEnumerable<string> MemberNames(DepthwiseConv2DSpec layer)
        {
            foreach (string suffix in new[] { "KernelHeight", "KernelWidth", "InputChannels", "DepthMultiplier", "Filters", "OutputSize", "Geometry" })
                yield return layer.Name + suffix;
            foreach (string suffix in WeightsAndBiases.MemberSuffixes) yield return layer.Name + suffix;
            yield return "Forward" + layer.Name;
            yield return "Backward" + layer.Name;
        }

        public override IEnumerable<WorkspaceBuffer> Buffers(LayerSlot slot)
        {
            DepthwiseConv2DSpec layer = Spec(slot);
            string n = layer.Name;
            yield return new WorkspaceBuffer(n + "Activations", "float", n + "OutputSize", layer.Output.Size,
                n + ": y = " + (layer.Activation.Row.ForwardFormula ?? "z") + " and dLoss/dy (turned into dLoss/dz in place); each [Capacity, " + n + "OutputSize].");
            yield return new WorkspaceBuffer(n + "Deltas", "float", n + "OutputSize", layer.Output.Size, null);
        }

        public override void WriteForwardCall(SourceWriter w, LayerSlot slot) =>
            w.Line("Forward" + slot.Name + "(" + slot.RunInput + ", " + slot.RunOutput + ", batchSize);");

        public override void WriteForward(SourceWriter w, LayerSlot slot)
        {
            DepthwiseConv2DSpec layer = Spec(slot);
            ActivationRow activation = layer.Activation.Row;
            string n = layer.Name;
            w.Line("// " + n + " forward, " + activation.Display + ":");
            w.Line("//   z [batch, " + layer.Output.Dimensions + "]: channel c·" + Format.Int(layer.Multiplier) + " + m = b + Σ over each window of x [batch, " +
                layer.Input.Dimensions + "] channel c ⊙ W [·, ·, c, m]; " + layer.Window.Describe("windows"));
            w.Line("//   y = " + (activation.ForwardFormula is null ? "z" : activation.ForwardFormula + "   (in place over z)"));
            w.Open("private void Forward" + n + "(" + ReadOnlySpan + " x, " + Span + " y, int batchSize)");
            w.Line("global::ModelGen.DepthwiseConvolution.Forward(x, " + n + "Weights, " + n + "Biases, y, batchSize, " + n + "Geometry, " + n + "DepthMultiplier);");
            if (activation.ForwardCall is not null) w.Line(activation.ForwardCall("y.Slice(0, batchSize * " + n + "OutputSize)"));
            w.Close();
            w.Line();
        }

        public override void WriteBackwardCall(SourceWriter w, LayerSlot slot)
        {
            var args = new List<string> { slot.SavedInput };
            if (Spec(slot).Activation.Row.NeedsOutputInBackward) args.Add(slot.SavedOutput);
            args.Add(slot.OutputDeltas!);
            if (slot.NeedsInputGradient) args.Add(slot.InputDeltas!);
            args.Add("batchSize");
            w.Line("Backward" + slot.Name + "(" + string.Join(", ", args) + ");");
        }

        public override void WriteBackward(SourceWriter w, LayerSlot slot)
        {
            DepthwiseConv2DSpec layer = Spec(slot);
            ActivationRow activation = layer.Activation.Row;
            string n = layer.Name;
            w.Line("// " + n + " backward, " + activation.Display + ":");
            w.Line(activation.DerivativeFormula is null
                ? "//   dz [batch, " + layer.Output.Dimensions + "] = dy, which arrives in `deltas`"
                : "//   dz [batch, " + layer.Output.Dimensions + "] = dy ⊙ " + activation.DerivativeFormula + "   (in place: `deltas` holds dy, then dz)");
            w.Line("//   dW [·, ·, c, m] = Σ over the batch and the windows of x's channel c ⊙ dz's channel c·" + Format.Int(layer.Multiplier) + " + m");
            w.Line(layer.HasBias ? "//   db = sum of dz over the batch and the pixels" : WeightsAndBiases.NoBiasComment);
            w.Line(slot.NeedsInputGradient
                ? "//   dx [batch, " + layer.Input.Dimensions + "] = each dz ⊙ W added back where its window read"
                : "//   no dx: " + ModelEmitter.NoInputGradientReason(slot));
            var parameters = new List<string> { ReadOnlySpan + " x" };
            if (activation.NeedsOutputInBackward) parameters.Add(ReadOnlySpan + " y");
            parameters.Add(Span + " deltas");
            if (slot.NeedsInputGradient) parameters.Add(Span + " dx");
            parameters.Add("int batchSize");
            w.Open("private void Backward" + n + "(" + string.Join(", ", parameters) + ")");
            if (activation.BackwardCall is not null)
                w.Line(activation.BackwardCall("y.Slice(0, batchSize * " + n + "OutputSize)", "deltas.Slice(0, batchSize * " + n + "OutputSize)"));
            w.Line("global::ModelGen.DepthwiseConvolution.Backward(x, deltas, " + n + "Weights, " + n + "WeightGradients, " + n + "BiasGradients, " +
                (slot.NeedsInputGradient ? "dx" : "default") + ", batchSize, " + n + "Geometry, " + n + "DepthMultiplier);");
            if (!layer.HasBias) w.Line(n + "BiasGradients.Clear();");
            w.Close();
            w.Line();
        }
    }
}
