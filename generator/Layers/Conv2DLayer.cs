using System.Collections.Generic;
using ModelGen.Generator.Emitting;
using ModelGen.Generator.Model;
using ModelGen.Generator.Parsing;

namespace ModelGen.Generator.Layers
{
    /// <summary>A 2-D convolution, channels-last: W [kh, kw, in, filters] (Keras' kernel layout), b [filters].</summary>
    /// <param name="SavedName">The prefix of its saved tensors when it is not the layer's name (an imported PyTorch name).</param>
    /// <param name="HasBias">False for an imported Conv without B (nn.Conv2d(bias=False)): b stays in the buffer but is always 0,
    /// is not trained (its gradient is 0) and is not saved, as in PyTorch.</param>
    internal sealed record Conv2DSpec(string Name, Shape Input, Shape Output, Window Window, ActivationSpec Activation, string? SavedName = null,
        bool HasBias = true)
        : LayerSpec(Name, Input, Output)
    {
        public override LayerKind Kind => Conv2DLayer.Instance;
        public override ActivationSpec? LayerActivation => Activation;
        public int Filters => Output.Channels;
        public int PatchSize => Window.Height * Window.Width * Input.Channels;
        public override long ParameterCount => (long)PatchSize * Filters + Filters;
        public override long BiasCount => Filters;
    }

    /// <summary>
    /// [Conv2D(filters, kernel, activation)]: computed as a matrix product over patches. im2col copies each
    /// output pixel's window into a row of the patch matrix [batch·pixels, kh·kw·in]; then the layer is a
    /// Dense layer on those rows with W seen as [kh·kw·in, filters], and backward adds the patch gradients
    /// back onto the input pixels (col2im).
    /// </summary>
    internal sealed class Conv2DLayer : LayerKind<Conv2DSpec>
    {
        public static readonly Conv2DLayer Instance = new Conv2DLayer();

        private const string ReadOnlySpan = "global::System.ReadOnlySpan<float>";
        private const string Span = "global::System.Span<float>";

        public override string AttributeName => "ModelGen.Conv2DAttribute";
        public override string DisplayName => "Conv2D";
        public override string DefaultNamePrefix => "Conv";

        public override IEnumerable<string> HeaderNotes => new[]
        {
            "A Conv2D layer stores W [kernel height, kernel width, input channels, filters] (Keras' layout) and",
            "computes y = activation(patches·W + b), one row of patches per output pixel (im2col).",
        };

        public override LayerSpec? Read(LayerReadContext context, AttributeArguments arguments)
        {
            int filters = arguments.Int("filters", 0);
            bool square = arguments.Has("kernelSize");
            int kernelHeight = arguments.Int(square ? "kernelSize" : "kernelHeight", 0);
            int kernelWidth = arguments.Int(square ? "kernelSize" : "kernelWidth", 0);
            int stride = arguments.Int("Stride", 1);
            ActivationSpec? activation = arguments.Activation(context, softmaxAllowed: false);
            PaddingKind? padding = arguments.Padding(context);
            bool useBias = arguments.Bool("UseBias", true);
            if (arguments.Unreadable || activation is null || padding is null) return null;

            bool valid = context.CheckPositive("The filter count", filters);
            if (square) valid &= context.CheckPositive("The kernel size", kernelHeight);
            else valid = context.CheckPositive("The kernel height", kernelHeight) & context.CheckPositive("The kernel width", kernelWidth) & valid;
            valid &= context.CheckStride(stride);
            if (activation.Kind == ActivationKind.Softmax)
            {
                context.Report(Diagnostics.SoftmaxNotDense, context.Name, context.ClassName);
                valid = false;
            }
            valid &= context.RequireImage("Conv2D");
            if (!valid || context.Input is not { } input) return null;

            Window? window = Window.Resolve(context, "kernel", input, kernelHeight, kernelWidth, stride, stride, padding.Value);
            if (window is null) return null;
            return new Conv2DSpec(context.Name, input, Shape.Image(window.OutputHeight, window.OutputWidth, filters), window, activation, context.SavedName, useBias);
        }

        protected override string Describe(Conv2DSpec layer) =>
            "Conv2D " + layer.Input + " -> " + layer.Output + ", " + Format.Int(layer.Window.Height) + "×" + Format.Int(layer.Window.Width) +
            (layer.Window.StrideHeight == 1 ? "" : " stride " + Format.Int(layer.Window.StrideHeight)) +
            layer.Window.PaddingSuffix + ", " + layer.Activation.Row.Display + WeightsAndBiases.NoBiasSuffix(layer.HasBias);

        protected override string SpecToken(Conv2DSpec layer) =>
            "conv2d(" + Format.Int(layer.Filters) + "," + Format.Int(layer.Window.Height) + "x" + Format.Int(layer.Window.Width) +
            ",stride=" + layer.Window.StrideText("x") + "," + layer.Window.PaddingToken + "," +
            layer.Activation.Row.SpecToken + WeightsAndBiases.NoBiasToken(layer.HasBias) + ")";

        protected override void WriteConstants(SourceWriter w, Conv2DSpec layer, ref string parameterEnd)
        {
            string n = layer.Name;
            w.Line("public const int " + n + "InputHeight = " + Format.Int(layer.Input.Height) + ";");
            w.Line("public const int " + n + "InputWidth = " + Format.Int(layer.Input.Width) + ";");
            w.Line("public const int " + n + "InputChannels = " + Format.Int(layer.Input.Channels) + ";");
            w.Line("public const int " + n + "KernelHeight = " + Format.Int(layer.Window.Height) + ";");
            w.Line("public const int " + n + "KernelWidth = " + Format.Int(layer.Window.Width) + ";");
            w.Line("public const int " + n + "Filters = " + Format.Int(layer.Filters) + ";");
            w.Line("public const int " + n + "Stride = " + Format.Int(layer.Window.StrideHeight) + ";");
            w.Line("public const int " + n + "OutputHeight = " + Format.Int(layer.Output.Height) + ";");
            w.Line("public const int " + n + "OutputWidth = " + Format.Int(layer.Output.Width) + ";");
            w.Line("/// <summary>Output pixels per sample: rows of the patch matrix per sample.</summary>");
            w.Line("public const int " + n + "OutputPixels = " + n + "OutputHeight * " + n + "OutputWidth;");
            w.Line("/// <summary>Values in one window, [" + n + "KernelHeight, " + n + "KernelWidth, " + n + "InputChannels]: a row of the patch matrix.</summary>");
            w.Line("public const int " + n + "PatchSize = " + n + "KernelHeight * " + n + "KernelWidth * " + n + "InputChannels;");
            w.Line("public const int " + n + "OutputSize = " + n + "OutputPixels * " + n + "Filters;");
            WeightsAndBiases.WriteConstants(w, n, n + "PatchSize * " + n + "Filters", n + "Filters", ref parameterEnd);
            w.Line("/// <summary>Where " + n + "'s windows fall: " + layer.Window.Describe("windows") + ".</summary>");
            w.Line("public static readonly global::ModelGen.ConvGeometry " + n + "Geometry = " + layer.Window.GeometryExpression(layer.Input) + ";");
        }

        protected override void WriteViews(SourceWriter w, Conv2DSpec layer)
        {
            string n = layer.Name;
            WeightsAndBiases.WriteViews(w, n, "[" + n + "KernelHeight, " + n + "KernelWidth, " + n + "InputChannels, " + n + "Filters]", "[" + n + "Filters]");
        }

        // Keras' fans for a convolution: each output sees kh·kw·in inputs, each input reaches kh·kw·filters outputs.
        protected override void WriteInitialization(SourceWriter w, Conv2DSpec layer) =>
            WeightsAndBiases.WriteInitialization(w, layer.Name, layer.Name + "PatchSize", layer.Name + "KernelHeight * " + layer.Name + "KernelWidth * " + layer.Name + "Filters");

        protected override string LayerInfo(Conv2DSpec layer)
        {
            string n = layer.Name;
            return "new global::ModelGen.Conv2DLayerInfo(\"" + n + "\", " + layer.Input.RuntimeExpression + ", " + layer.Output.RuntimeExpression + ", " + n + "Geometry, " +
                "global::ModelGen.Activation." + layer.Activation.Kind + ", " + Format.FloatLiteral(layer.Activation.Slope) + ", " + n + "WeightsOffset, " + n + "BiasesOffset)";
        }

        // PyTorch's nn.Conv2d.weight is [filters, in, kh, kw].
        protected override IEnumerable<string> SavedTensors(Conv2DSpec layer, LayerSlot slot)
        {
            string n = layer.Name, saved = layer.SavedName ?? n;
            yield return "global::ModelGen.Serialization.TensorLayout.Conv2D(\"" + saved + ".weight\", " + n + "WeightsOffset, " +
                n + "KernelHeight, " + n + "KernelWidth, " + n + "InputChannels, " + n + "Filters)";
            if (layer.HasBias) yield return WeightsAndBiases.SavedBiases(n, saved);
        }

        protected override IEnumerable<string> MemberNames(Conv2DSpec layer)
        {
            foreach (string suffix in new[] { "InputHeight", "InputWidth", "InputChannels", "KernelHeight", "KernelWidth", "Filters", "Stride",
                "OutputHeight", "OutputWidth", "OutputPixels", "PatchSize", "OutputSize", "Geometry" })
                yield return layer.Name + suffix;
            foreach (string suffix in WeightsAndBiases.MemberSuffixes) yield return layer.Name + suffix;
            yield return "Forward" + layer.Name;
            yield return "Backward" + layer.Name;
        }

        public override IEnumerable<WorkspaceBuffer> Buffers(LayerSlot slot)
        {
            Conv2DSpec layer = Spec(slot);
            string n = layer.Name;
            long patches = (long)layer.Output.Height * layer.Output.Width * layer.PatchSize;
            yield return new WorkspaceBuffer(n + "Patches", "float", n + "OutputPixels * " + n + "PatchSize", patches,
                n + ": room for the patch matrix, [Capacity · " + n + "OutputPixels, " + n + "PatchSize]; the kernels make patches in it as they need them.");
            string formula = layer.Activation.Row.ForwardFormula ?? "z";
            yield return new WorkspaceBuffer(n + "Activations", "float", n + "OutputSize", layer.Output.Size,
                n + ": y = " + formula + " and dLoss/dy (turned into dLoss/dz in place); each [Capacity, " + n + "OutputHeight, " + n + "OutputWidth, " + n + "Filters].");
            yield return new WorkspaceBuffer(n + "Deltas", "float", n + "OutputSize", layer.Output.Size, null);
            if (slot.NeedsInputGradient)
                yield return new WorkspaceBuffer(n + "PatchDeltas", "float", n + "OutputPixels * " + n + "PatchSize", patches,
                    n + ": room for dLoss/dpatches, which col2im adds onto the input as they are computed.");
            if (PreparesWeights(slot))
                yield return new WorkspaceBuffer(n + "Winograd", "float", "global::ModelGen.Winograd.WeightsLength(" + n + "Geometry, " + n + "Filters)",
                    16L * layer.Input.Channels * layer.Filters,
                    n + ": Infer's Winograd weights, [16, " + n + "InputChannels, " + n + "Filters] made from " + n + "Weights (and scratch for a tile), or empty when Winograd.Suits says no.",
                    PerBatch: true);
        }

        public override void WriteForwardCall(SourceWriter w, LayerSlot slot) =>
            w.Line("Forward" + slot.Name + "(" + slot.RunInput + ", workspace." + slot.Name + "Patches, " + slot.RunOutput + ", batchSize);");

        public override WorkspaceBuffer? ForwardScratch(LayerSlot slot)
        {
            foreach (WorkspaceBuffer buffer in Buffers(slot)) return buffer; // the patches, first
            return null;
        }

        // Winograd's F(2×2, 3×3) may take a 3×3 stride-1 convolution; the runtime decides the rest (Winograd.Suits: its room is
        // empty and preparing it does nothing when it does not).
        public override bool PreparesWeights(LayerSlot slot)
        {
            Conv2DSpec layer = Spec(slot);
            return slot.NormalizedBy is not null && layer.Window.Height == 3 && layer.Window.Width == 3 && layer.Window.StrideHeight == 1 && layer.Window.StrideWidth == 1;
        }

        public override void WriteNormalizedForwardCall(SourceWriter w, LayerSlot slot, LayerSlot norm, string scratch)
        {
            string n = slot.Name, b = norm.Name;
            NormalizationFusion? fusion = norm.Fusion;
            string output = fusion?.Output.RunOutput ?? norm.RunOutput, residual = fusion?.Residual?.RunBuffer ?? "default";
            bool winograd = PreparesWeights(slot);
            w.Line("// " + n + " → " + BatchNormalizationLayer.Chain(norm) + " in one call, each sample normalised (running statistics) while in cache");
            if (winograd)
            {
                w.Line("// 3×3 windows with stride 1: Winograd's F(2×2, 3×3) on " + n + "Weights transformed (unless the last call's still hold)");
                w.Line("if (!sameParameters) global::ModelGen.Winograd.TransformWeights(" + n + "Weights, workspace." + n + "Winograd, " + n + "Geometry, " + n + "Filters);");
            }
            w.Line("global::ModelGen.Convolution.ForwardNormalized(" + slot.RunInput + ", " + scratch + ", " + n + "Weights, " + n + "Biases, " + output +
                ", batchSize, " + n + "Geometry, " + n + "Filters, " + b + "Weights, " + b + "Biases, " + b + "RunningMean, " + b + "RunningVariance, " + b + "Epsilon, " +
                residual + ", relu: " + (fusion?.Relu == true ? "true" : "false") +
                (winograd ? ", winogradWeights: workspace." + n + "Winograd" : "") + ");");
        }

        public override void WriteForward(SourceWriter w, LayerSlot slot)
        {
            Conv2DSpec layer = Spec(slot);
            ActivationRow activation = layer.Activation.Row;
            string n = layer.Name, pixels = "batch·" + Format.Int(layer.Output.Height) + "·" + Format.Int(layer.Output.Width);
            string k = Format.Int(layer.PatchSize), f = Format.Int(layer.Filters);
            w.Line("// " + n + " forward, " + activation.Display + ":");
            w.Line("//   patches [" + pixels + ", " + k + "] = im2col(x [batch, " + layer.Input.Dimensions + "]), " + layer.Window.Describe("windows") +
                "; made a sample at a time, each multiplied while in cache");
            w.Line("//   z [" + pixels + ", " + f + "] = patches · W [" + k + ", " + f + "] + b [" + f + "]   (W [" +
                Format.Int(layer.Window.Height) + ", " + Format.Int(layer.Window.Width) + ", " + Format.Int(layer.Input.Channels) + ", " + f + "] read as a matrix)");
            w.Line("//   y [batch, " + layer.Output.Dimensions + "] = " + (activation.ForwardFormula is null ? "z" : activation.ForwardFormula + "   (in place over z)") +
                "; z's rows are y's pixels, channels-last");
            bool winograd = PreparesWeights(slot);
            if (winograd)
                w.Line("//   (3×3 windows with stride 1 before a BatchNormalization: z by Winograd's F(2×2, 3×3), as Infer computes it, when Winograd.Suits)");
            w.Open("private void Forward" + n + "(" + ReadOnlySpan + " x, " + Span + " patches, " + Span + " y, int batchSize)");
            w.Line("global::ModelGen.Convolution.Forward(x, patches, " + n + "Weights, " + n + "Biases, y, batchSize, " + n + "Geometry, " + n + "Filters" +
                (winograd ? ", winograd: true" : "") + ");");
            if (activation.ForwardCall is not null) w.Line(activation.ForwardCall("y.Slice(0, batchSize * " + n + "OutputSize)"));
            w.Close();
            w.Line();
        }

        public override void WriteBackwardCall(SourceWriter w, LayerSlot slot)
        {
            var args = new List<string> { slot.SavedInput, "workspace." + slot.Name + "Patches" };
            if (Spec(slot).Activation.Row.NeedsOutputInBackward) args.Add(slot.SavedOutput);
            args.Add(slot.OutputDeltas!);
            if (slot.NeedsInputGradient)
            {
                args.Add("workspace." + slot.Name + "PatchDeltas");
                args.Add(slot.InputDeltas!);
            }
            args.Add("batchSize");
            w.Line("Backward" + slot.Name + "(" + string.Join(", ", args) + ");");
        }

        public override void WriteBackward(SourceWriter w, LayerSlot slot)
        {
            Conv2DSpec layer = Spec(slot);
            ActivationRow activation = layer.Activation.Row;
            string n = layer.Name, pixels = "batch·" + Format.Int(layer.Output.Height) + "·" + Format.Int(layer.Output.Width);
            string k = Format.Int(layer.PatchSize), f = Format.Int(layer.Filters);
            bool winograd = PreparesWeights(slot);
            w.Line("// " + n + " backward, " + activation.Display + ":");
            w.Line(activation.DerivativeFormula is null
                ? "//   dz [" + pixels + ", " + f + "] = dy, which arrives in `deltas`"
                : "//   dz [" + pixels + ", " + f + "] = dy ⊙ " + activation.DerivativeFormula + "   (in place: `deltas` holds dy, then dz)");
            w.Line("//   dW [" + k + ", " + f + "] = patchesᵀ [" + k + ", " + pixels + "] · dz [" + pixels + ", " + f + "]   (patches = im2col(x), never stored whole: a tile of rows at a time, or with stride 1 each window read from a zero-padded copy of the image)");
            w.Line(layer.HasBias ? "//   db [" + f + "] = sum of dz over the batch and the pixels" : WeightsAndBiases.NoBiasComment);
            if (slot.NeedsInputGradient)
            {
                w.Line("//   dpatches [" + pixels + ", " + k + "] = dz · Wᵀ [" + f + ", " + k + "]");
                w.Line("//   dx [batch, " + layer.Input.Dimensions + "] = col2im(dpatches): each window's gradient added back where it was read");
                w.Line("//   (Convolution.InputGradient may compute the same sums as the convolution of dz with the window flipped, when the stride is 1" +
                    (winograd ? ", by Winograd's F(2×2, 3×3) when Winograd.Suits it)" : ")"));
            }
            else
            {
                w.Line("//   no dx: " + Emitting.ModelEmitter.NoInputGradientReason(slot));
            }

            var parameters = new List<string> { ReadOnlySpan + " x", Span + " patches" };
            if (activation.NeedsOutputInBackward) parameters.Add(ReadOnlySpan + " y");
            parameters.Add(Span + " deltas");
            if (slot.NeedsInputGradient)
            {
                parameters.Add(Span + " patchDeltas");
                parameters.Add(Span + " dx");
            }
            parameters.Add("int batchSize");
            w.Open("private void Backward" + n + "(" + string.Join(", ", parameters) + ")");
            w.Line("int rows = batchSize * " + n + "OutputPixels;");
            if (activation.BackwardCall is not null)
                w.Line(activation.BackwardCall("y.Slice(0, rows * " + n + "Filters)", "deltas.Slice(0, rows * " + n + "Filters)"));
            w.Line("global::ModelGen.Convolution.WeightGradient(x, patches, deltas, " + n + "WeightGradients, batchSize, " + n + "Geometry, " + n + "Filters);");
            w.Line(layer.HasBias ? "global::ModelGen.Kernels.BiasGradient(deltas, " + n + "BiasGradients, rows, " + n + "Filters);" : n + "BiasGradients.Clear();");
            if (slot.NeedsInputGradient)
            {
                w.Line("global::ModelGen.Convolution.InputGradient(deltas, " + n + "Weights, patchDeltas, dx, batchSize, " + n + "Geometry, " + n + "Filters" +
                    (winograd ? ", winograd: true" : "") + ");");
            }
            w.Close();
            w.Line();
        }
    }
}
