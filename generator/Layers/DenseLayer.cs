using System.Collections.Generic;
using ModelGen.Generator.Emitting;
using ModelGen.Generator.Model;
using ModelGen.Generator.Parsing;

namespace ModelGen.Generator.Layers
{
    /// <summary>A dense layer: y = activation(x·W + b), W [inputs, units] (Keras' kernel layout).</summary>
    /// <param name="FlattenedFrom">The image a Flatten turned into this layer's input, if any (for PyTorch's weight layout).</param>
    /// <param name="SavedName">The prefix of its saved tensors when it is not <paramref name="Name"/>: an imported layer keeps its
    /// PyTorch state_dict name ("features.8" for features.8.weight), which is not an identifier.</param>
    /// <param name="HasBias">False for an imported layer without a bias (nn.Linear(bias=False), a Gemm without C, a MatMul without
    /// an Add): b stays in the buffer but is always 0, is not trained (its gradient is 0) and is not saved, as in PyTorch.</param>
    internal sealed record DenseSpec(string Name, Shape Input, Shape Output, ActivationSpec Activation, Shape? FlattenedFrom, string? SavedName = null,
        bool HasBias = true)
        : LayerSpec(Name, Input, Output)
    {
        public override LayerKind Kind => DenseLayer.Instance;
        public override ActivationSpec? LayerActivation => Activation;
        public int Inputs => (int)Input.Size;
        public int Units => (int)Output.Size;
        public override long ParameterCount => (long)Inputs * Units + Units;
        public override long BiasCount => Units;
    }

    /// <summary>[Dense(units, activation)]: reading, and every piece of generated code for it.</summary>
    internal sealed class DenseLayer : LayerKind<DenseSpec>
    {
        public static readonly DenseLayer Instance = new DenseLayer();

        private const string ReadOnlySpan = "global::System.ReadOnlySpan<float>";
        private const string Span = "global::System.Span<float>";

        public override string AttributeName => "ModelGen.DenseAttribute";
        public override string DisplayName => "Dense";
        public override string DefaultNamePrefix => "Dense";

        public override IEnumerable<string> HeaderNotes => new[]
        {
            "A Dense layer computes y = activation(x·W + b) with W stored [inputs, units], row-major (Keras' layout).",
        };

        public override LayerSpec? Read(LayerReadContext context, AttributeArguments arguments)
        {
            int units = arguments.Int("units", 0);
            ActivationSpec? activation = arguments.Activation(context, softmaxAllowed: true);
            bool useBias = arguments.Bool("UseBias", true);
            if (arguments.Unreadable || activation is null) return null;
            bool valid = context.CheckPositive("The unit count", units);
            if (context.Input is { IsImage: true } image)
            {
                context.Report(Diagnostics.DenseNeedsFlatInput, context.Name, context.ClassName, image.ToString());
                valid = false;
            }
            if (!valid || context.Input is not { } input) return null;
            return new DenseSpec(context.Name, input, Shape.Flat(units), activation, context.FlattenedImage, context.SavedName, useBias);
        }

        protected override string Describe(DenseSpec layer) =>
            "Dense " + layer.Input + " -> " + layer.Output + ", " + layer.Activation.Row.Display + WeightsAndBiases.NoBiasSuffix(layer.HasBias);

        protected override string SpecToken(DenseSpec layer) =>
            "dense(" + Format.Int(layer.Units) + "," + layer.Activation.Row.SpecToken + WeightsAndBiases.NoBiasToken(layer.HasBias) + ")";

        protected override void WriteConstants(SourceWriter w, DenseSpec layer, ref string parameterEnd)
        {
            string n = layer.Name;
            w.Line("public const int " + n + "Inputs = " + Format.Int(layer.Inputs) + ";");
            w.Line("public const int " + n + "Units = " + Format.Int(layer.Units) + ";");
            WeightsAndBiases.WriteConstants(w, n, n + "Inputs * " + n + "Units", n + "Units", ref parameterEnd);
        }

        protected override void WriteViews(SourceWriter w, DenseSpec layer) =>
            WeightsAndBiases.WriteViews(w, layer.Name, "[" + layer.Name + "Inputs, " + layer.Name + "Units]", "[" + layer.Name + "Units]");

        protected override void WriteInitialization(SourceWriter w, DenseSpec layer) =>
            WeightsAndBiases.WriteInitialization(w, layer.Name, layer.Name + "Inputs", layer.Name + "Units");

        protected override string LayerInfo(DenseSpec layer)
        {
            string n = layer.Name;
            return "new global::ModelGen.DenseLayerInfo(\"" + n + "\", global::ModelGen.TensorShape.Flat(" + n + "Inputs), global::ModelGen.TensorShape.Flat(" + n + "Units), " +
                "global::ModelGen.Activation." + layer.Activation.Kind + ", " + Format.FloatLiteral(layer.Activation.Slope) + ", " + n + "WeightsOffset, " + n + "BiasesOffset)";
        }

        protected override IEnumerable<string> SavedTensors(DenseSpec layer, LayerSlot slot)
        {
            string n = layer.Name, saved = layer.SavedName ?? n;
            // PyTorch's nn.Linear.weight is [units, inputs]; after nn.Flatten of an NCHW image its inputs
            // are in (c, h, w) order, where ours are in (h, w, c) order.
            yield return layer.FlattenedFrom is { } image
                ? "global::ModelGen.Serialization.TensorLayout.LinearAfterImage(\"" + saved + ".weight\", " + n + "WeightsOffset, " +
                  Format.Int(image.Height) + ", " + Format.Int(image.Width) + ", " + Format.Int(image.Channels) + ", " + n + "Units)"
                : "global::ModelGen.Serialization.TensorLayout.Linear(\"" + saved + ".weight\", " + n + "WeightsOffset, " + n + "Inputs, " + n + "Units)";
            if (layer.HasBias) yield return WeightsAndBiases.SavedBiases(n, saved);
        }

        protected override IEnumerable<string> MemberNames(DenseSpec layer)
        {
            yield return layer.Name + "Inputs";
            yield return layer.Name + "Units";
            foreach (string suffix in WeightsAndBiases.MemberSuffixes) yield return layer.Name + suffix;
            yield return "Forward" + layer.Name;
            yield return "Backward" + layer.Name;
        }

        public override IEnumerable<WorkspaceBuffer> Buffers(LayerSlot slot)
        {
            DenseSpec layer = Spec(slot);
            string n = layer.Name, units = n + "Units";
            if (layer.Activation.Kind == ActivationKind.Softmax)
            {
                yield return new WorkspaceBuffer(n + "Logits", "float", units, layer.Units,
                    n + ": logits z, probabilities p = softmax(z), and dLoss/dz; each [Capacity, " + units + "].");
                yield return new WorkspaceBuffer(n + "Activations", "float", units, layer.Units, null);
            }
            else
            {
                string formula = layer.Activation.Row.ForwardFormula ?? "z";
                yield return new WorkspaceBuffer(n + "Activations", "float", units, layer.Units,
                    n + ": y = " + formula + " and dLoss/dy (turned into dLoss/dz in place); each [Capacity, " + units + "].");
            }
            yield return new WorkspaceBuffer(n + "Deltas", "float", units, layer.Units, null);
        }

        public override void WriteForwardCall(SourceWriter w, LayerSlot slot)
        {
            string n = slot.Name;
            string outputs = Spec(slot).Activation.Kind == ActivationKind.Softmax
                ? "workspace." + n + "Logits, " + slot.RunOutput
                : slot.RunOutput;
            w.Line("Forward" + n + "(" + slot.RunInput + ", " + outputs + ", batchSize);");
        }

        public override void WriteForward(SourceWriter w, LayerSlot slot)
        {
            DenseSpec layer = Spec(slot);
            ActivationRow activation = layer.Activation.Row;
            string n = layer.Name, i = Format.Int(layer.Inputs), u = Format.Int(layer.Units);
            string affine = "global::ModelGen.Kernels.Affine(x, " + n + "Weights, " + n + "Biases, {0}, batchSize, " + n + "Inputs, " + n + "Units);";
            w.Line("// " + n + " forward, " + activation.Display + ":");
            if (layer.Activation.Kind == ActivationKind.Softmax)
            {
                w.Line("//   z [batch, " + u + "] = x [batch, " + i + "] · W [" + i + ", " + u + "] + b [" + u + "]   (kept: the loss is computed from z)");
                w.Line("//   p [batch, " + u + "] = softmax(z), row by row");
                w.Open("private void Forward" + n + "(" + ReadOnlySpan + " x, " + Span + " z, " + Span + " p, int batchSize)");
                w.Line(string.Format(System.Globalization.CultureInfo.InvariantCulture, affine, "z"));
                w.Line("global::ModelGen.Activations.Softmax(z, p, batchSize, " + n + "Units);");
                w.Close();
                w.Line();
                return;
            }
            w.Line("//   z [batch, " + u + "] = x [batch, " + i + "] · W [" + i + ", " + u + "] + b [" + u + "]");
            w.Line("//   y [batch, " + u + "] = " + (activation.ForwardFormula is null ? "z" : activation.ForwardFormula + "   (in place over z)"));
            w.Open("private void Forward" + n + "(" + ReadOnlySpan + " x, " + Span + " y, int batchSize)");
            w.Line(string.Format(System.Globalization.CultureInfo.InvariantCulture, affine, "y"));
            if (activation.ForwardCall is not null) w.Line(activation.ForwardCall("y.Slice(0, batchSize * " + n + "Units)"));
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
            DenseSpec layer = Spec(slot);
            ActivationRow activation = layer.Activation.Row;
            string n = layer.Name, i = Format.Int(layer.Inputs), u = Format.Int(layer.Units);

            w.Line("// " + n + " backward, " + activation.Display + ":");
            if (layer.Activation.Kind == ActivationKind.Softmax)
                w.Line("//   dz [batch, " + u + "] arrives in `deltas`, from the fused softmax and cross-entropy gradient");
            else if (activation.DerivativeFormula is null)
                w.Line("//   dz [batch, " + u + "] = dy, which arrives in `deltas`");
            else
                w.Line("//   dz [batch, " + u + "] = dy ⊙ " + activation.DerivativeFormula + "   (in place: `deltas` holds dy, then dz)");
            w.Line("//   dW [" + i + ", " + u + "] = xᵀ [" + i + ", batch] · dz [batch, " + u + "]");
            w.Line(layer.HasBias ? "//   db [" + u + "] = sum of dz over the batch" : WeightsAndBiases.NoBiasComment);
            w.Line(slot.NeedsInputGradient
                ? "//   dx [batch, " + i + "] = dz [batch, " + u + "] · Wᵀ [" + u + ", " + i + "]   (the previous layer's dy)"
                : "//   no dx: " + Emitting.ModelEmitter.NoInputGradientReason(slot));

            var parameters = new List<string> { ReadOnlySpan + " x" };
            if (activation.NeedsOutputInBackward) parameters.Add(ReadOnlySpan + " y");
            parameters.Add(Span + " deltas");
            if (slot.NeedsInputGradient) parameters.Add(Span + " dx");
            parameters.Add("int batchSize");
            w.Open("private void Backward" + n + "(" + string.Join(", ", parameters) + ")");
            if (activation.BackwardCall is not null)
            {
                w.Line("int count = batchSize * " + n + "Units;");
                w.Line(activation.BackwardCall("y.Slice(0, count)", "deltas.Slice(0, count)"));
            }
            w.Line("global::ModelGen.Kernels.WeightGradient(x, deltas, " + n + "WeightGradients, batchSize, " + n + "Inputs, " + n + "Units);");
            w.Line(layer.HasBias ? "global::ModelGen.Kernels.BiasGradient(deltas, " + n + "BiasGradients, batchSize, " + n + "Units);" : n + "BiasGradients.Clear();");
            if (slot.NeedsInputGradient) w.Line("global::ModelGen.Kernels.InputGradient(deltas, " + n + "Weights, dx, batchSize, " + n + "Inputs, " + n + "Units);");
            w.Close();
            w.Line();
        }
    }
}
