using System.Collections.Generic;
using ModelGen.Generator.Emitting;
using ModelGen.Generator.Model;
using ModelGen.Generator.Parsing;

namespace ModelGen.Generator.Layers
{
    /// <summary>Batch normalisation per channel (image) or feature (flat), with PyTorch's running statistics.</summary>
    /// <param name="Momentum">Keras' convention: the share of the running statistics a training batch keeps (PyTorch's 1 − momentum).</param>
    internal sealed record BatchNormalizationSpec(string Name, Shape Input, Shape Output, float Momentum, float Epsilon, string? SavedName = null)
        : LayerSpec(Name, Input, Output)
    {
        public override LayerKind Kind => BatchNormalizationLayer.Instance;
        public override bool UsesTrainingMode => true;

        /// <summary>Channels of an image, features of a flat vector: one γ, β, mean and variance each.</summary>
        public int Channels => Input.IsImage ? Input.Channels : (int)Input.Size;

        /// <summary>Rows per sample of the [rows, channels] matrix the kernels see: pixels, or 1.</summary>
        public int Pixels => Input.IsImage ? Input.Height * Input.Width : 1;

        /// <summary>
        /// PyTorch's momentum, 1 − Momentum, taken in decimal as written (the declared 0.9 gives exactly PyTorch's
        /// 0.1f; 1 − 0.9f in binary would be 0.100000024).
        /// </summary>
        public float BatchWeight => (float)(1m - (decimal)double.Parse(Format.Float(Momentum), System.Globalization.CultureInfo.InvariantCulture));

        public override long ParameterCount => 2L * Channels;
        public override long BiasCount => Channels;
        public override long StateCount => 2L * Channels;
        public override int CounterCount => 1;
    }

    /// <summary>
    /// [BatchNormalization]: y = γ·x̂ + β with x̂ = (x − μ)/√(σ² + ε). Training uses the batch's μ and biased σ² and
    /// moves the running statistics as PyTorch does; inference uses the running ones. γ (PyTorch's weight) and β
    /// (bias) are Parameters; the running mean and variance are State and the batch count a Counter, saved under
    /// PyTorch's names and never seen by an optimizer.
    /// </summary>
    internal sealed class BatchNormalizationLayer : LayerKind<BatchNormalizationSpec>
    {
        public static readonly BatchNormalizationLayer Instance = new BatchNormalizationLayer();

        public override bool KeepsOutputDeltas => true;

        private const string ReadOnlySpan = "global::System.ReadOnlySpan<float>";
        private const string Span = "global::System.Span<float>";

        public override string AttributeName => "ModelGen.BatchNormalizationAttribute";
        public override string DisplayName => "BatchNormalization";
        public override string DefaultNamePrefix => "BatchNorm";

        public override IEnumerable<string> HeaderNotes => new[]
        {
            "A BatchNormalization layer computes y = γ·(x − μ)/√(σ² + ε) + β per channel: with the batch's μ and σ² in",
            "training (then moving the running statistics as PyTorch does), with the running ones in inference.",
        };

        public override LayerSpec? Read(LayerReadContext context, AttributeArguments arguments)
        {
            float momentum = arguments.Float("Momentum", 0.9f);
            float epsilon = arguments.Float("Epsilon", 1e-5f);
            if (arguments.Unreadable) return null;
            bool valid = true;
            if (!(momentum >= 0f && momentum <= 1f))
            {
                context.Report(Diagnostics.BatchNormalizationSetting, "momentum", context.Name, context.ClassName, Format.Float(momentum),
                    "it must be in [0, 1]: the share of the running statistics each training batch keeps (Keras' convention; PyTorch's momentum 0.1 is 0.9 here)");
                valid = false;
            }
            if (!(epsilon > 0f) || float.IsInfinity(epsilon))
            {
                context.Report(Diagnostics.BatchNormalizationSetting, "epsilon", context.Name, context.ClassName, Format.Float(epsilon),
                    "it must be positive and finite (it keeps the division by √(σ² + ε) away from zero)");
                valid = false;
            }
            if (!valid || context.Input is not { } input) return null;
            return new BatchNormalizationSpec(context.Name, input, input, momentum, epsilon, context.SavedName);
        }

        protected override string Describe(BatchNormalizationSpec layer) =>
            "BatchNormalization " + layer.Input + ", momentum " + Format.Float(layer.Momentum) + ", ε " + Format.Float(layer.Epsilon);

        protected override string SpecToken(BatchNormalizationSpec layer) =>
            "batch_norm(momentum=" + Format.Float(layer.Momentum) + ",eps=" + Format.Float(layer.Epsilon) + ")";

        protected override void WriteConstants(SourceWriter w, BatchNormalizationSpec layer, ref string parameterEnd)
        {
            string n = layer.Name;
            w.Line("public const int " + n + "Channels = " + Format.Int(layer.Channels) + ";");
            w.Line("/// <summary>Rows of [rows, channels] per sample: the pixels of an image, 1 for a flat vector.</summary>");
            w.Line("public const int " + n + "Pixels = " + Format.Int(layer.Pixels) + ";");
            w.Line("public const int " + n + "Size = " + n + "Pixels * " + n + "Channels;");
            w.Line("public const float " + n + "Epsilon = " + Format.FloatLiteral(layer.Epsilon) + ";");
            w.Line("/// <summary>PyTorch's momentum, the weight of a training batch in the running statistics (1 − the declared " + Format.Float(layer.Momentum) + ").</summary>");
            w.Line("public const float " + n + "BatchWeight = " + Format.FloatLiteral(layer.BatchWeight) + ";");
            WeightsAndBiases.WriteConstants(w, n, n + "Channels", n + "Channels", ref parameterEnd);
        }

        public override void WriteStateConstants(SourceWriter w, LayerSpec layer, ref string stateEnd, ref string counterEnd)
        {
            string n = layer.Name;
            w.Line("public const int " + n + "RunningMeanOffset = " + stateEnd + ";");
            w.Line("public const int " + n + "RunningVarianceOffset = " + n + "RunningMeanOffset + " + n + "Channels;");
            w.Line("public const int " + n + "BatchesTrackedIndex = " + counterEnd + ";");
            stateEnd = n + "RunningVarianceOffset + " + n + "Channels";
            counterEnd = n + "BatchesTrackedIndex + 1";
        }

        protected override void WriteViews(SourceWriter w, BatchNormalizationSpec layer)
        {
            string n = layer.Name;
            WeightsAndBiases.WriteViews(w, n, "[" + n + "Channels] (γ, PyTorch's weight)", "[" + n + "Channels] (β)");
            w.Line("/// <summary>" + n + "'s running mean, [" + n + "Channels]: a view into State.</summary>");
            w.Line("public " + Span + " " + n + "RunningMean => State.AsSpan(" + n + "RunningMeanOffset, " + n + "Channels);");
            w.Line("/// <summary>" + n + "'s running variance (unbiased, as PyTorch keeps it), [" + n + "Channels]: a view into State.</summary>");
            w.Line("public " + Span + " " + n + "RunningVariance => State.AsSpan(" + n + "RunningVarianceOffset, " + n + "Channels);");
            w.Line();
        }

        // PyTorch's and Keras' initial values: γ = 1, β = 0, running mean 0, running variance 1, no batches seen.
        protected override void WriteInitialization(SourceWriter w, BatchNormalizationSpec layer)
        {
            string n = layer.Name;
            w.Line(n + "Weights.Fill(1f);");
            w.Line(n + "Biases.Clear();");
            w.Line(n + "RunningMean.Clear();");
            w.Line(n + "RunningVariance.Fill(1f);");
            w.Line("Counters[" + n + "BatchesTrackedIndex] = 0;");
        }

        protected override string LayerInfo(BatchNormalizationSpec layer)
        {
            string n = layer.Name;
            return "new global::ModelGen.BatchNormalizationLayerInfo(\"" + n + "\", " + layer.Input.RuntimeExpression + ", " + layer.Output.RuntimeExpression + ", " +
                Format.FloatLiteral(layer.Momentum) + ", " + n + "Epsilon, " + n + "WeightsOffset, " + n + "BiasesOffset, " + n + "RunningMeanOffset, " + n + "RunningVarianceOffset)";
        }

        protected override IEnumerable<string> SavedTensors(BatchNormalizationSpec layer, LayerSlot slot)
        {
            string n = layer.Name, saved = layer.SavedName ?? n;
            const string Layout = "global::ModelGen.Serialization.TensorLayout";
            yield return "new " + Layout + "(\"" + saved + ".weight\", " + n + "WeightsOffset, " + n + "Channels)";
            yield return WeightsAndBiases.SavedBiases(n, saved);
            yield return Layout + ".State(\"" + saved + ".running_mean\", " + n + "RunningMeanOffset, " + n + "Channels)";
            yield return Layout + ".State(\"" + saved + ".running_var\", " + n + "RunningVarianceOffset, " + n + "Channels)";
            yield return Layout + ".Counter(\"" + saved + ".num_batches_tracked\", " + n + "BatchesTrackedIndex)";
        }

        protected override IEnumerable<string> MemberNames(BatchNormalizationSpec layer)
        {
            foreach (string suffix in new[] { "Channels", "Pixels", "Size", "Epsilon", "BatchWeight", "RunningMeanOffset", "RunningVarianceOffset",
                "BatchesTrackedIndex", "RunningMean", "RunningVariance" })
                yield return layer.Name + suffix;
            foreach (string suffix in WeightsAndBiases.MemberSuffixes) yield return layer.Name + suffix;
            yield return "Forward" + layer.Name;
            yield return "Backward" + layer.Name;
        }

        public override IEnumerable<WorkspaceBuffer> Buffers(LayerSlot slot)
        {
            BatchNormalizationSpec layer = Spec(slot);
            string n = layer.Name;
            yield return new WorkspaceBuffer(n + "Normalized", "float", n + "Size", layer.Output.Size,
                n + ": x̂ = (x − μ)/√(σ² + ε), kept for backward, then y = γ·x̂ + β and dLoss/dy; each [Capacity, " + n + "Size].");
            yield return new WorkspaceBuffer(n + "Activations", "float", n + "Size", layer.Output.Size, null);
            yield return new WorkspaceBuffer(n + "Deltas", "float", n + "Size", layer.Output.Size, null);
            yield return new WorkspaceBuffer(n + "InverseDeviation", "float", n + "Channels", layer.Channels,
                n + ": 1/√(σ² + ε) of the last Forward's batch, [" + n + "Channels], and the kernels' per-channel sums in double, [2 · " + n + "Channels].", PerBatch: true);
            yield return new WorkspaceBuffer(n + "Sums", "double", "2 * " + n + "Channels", 2L * layer.Channels, null, PerBatch: true);
        }

        public override void WriteForwardCall(SourceWriter w, LayerSlot slot)
        {
            NormalizationFusion? fusion = slot.Fusion;
            string output = fusion?.Output.RunOutput ?? slot.RunOutput, residual = fusion?.Residual is { } r ? r.RunBuffer + ", " : "";
            w.Line("Forward" + slot.Name + "(" + slot.RunInput + ", workspace." + slot.Name + "Normalized, " + output + ", workspace." + slot.Name +
                "InverseDeviation, workspace." + slot.Name + "Sums, " + residual + "batchSize, training);");
        }

        public override void WriteForward(SourceWriter w, LayerSlot slot)
        {
            BatchNormalizationSpec layer = Spec(slot);
            NormalizationFusion? fusion = slot.Fusion;
            string n = layer.Name, rows = "batch" + (layer.Input.IsImage ? "·" + Format.Int(layer.Pixels) : ""), c = Format.Int(layer.Channels);
            w.Line("// " + n + " forward, x [" + rows + ", " + c + "] as rows of channels:");
            w.Line("//   training:  μ, σ² [" + c + "] = the batch's mean and biased variance over the rows");
            w.Line("//              running mean ← (1 − m)·running mean + m·μ, running variance ← (1 − m)·running variance + m·σ²·n/(n − 1), m = " +
                Format.Float(layer.BatchWeight) + ", n = rows");
            w.Line("//   inference: μ, σ² = the running mean and variance");
            if (fusion is not null)
            {
                string sum = fusion.Residual is null ? "γ·x̂ + β" : "γ·x̂ + β + residual";
                w.Line("//   x̂ = (x − μ)/√(σ² + ε), y [" + rows + ", " + c + "] = " + (fusion.Relu ? "max(" + sum + ", 0)" : sum) + ": " + Chain(slot) +
                    " in one pass, y is " + fusion.Output.Name + "'s output");
            }
            else
                w.Line("//   x̂ = (x − μ)/√(σ² + ε), y [" + rows + ", " + c + "] = γ·x̂ + β");
            string residualParameter = fusion?.Residual is null ? "" : ReadOnlySpan + " residual, ";
            string residualArgument = fusion?.Residual is null ? "" : ", residual" + ResidualSlice(n);
            string reluArgument = fusion?.Relu == true ? ", relu: true" : "";
            w.Open("private void Forward" + n + "(" + ReadOnlySpan + " x, " + Span + " normalized, " + Span + " y, " + Span + " inverseDeviation, global::System.Span<double> sums, " +
                residualParameter + "int batchSize, bool training)");
            w.Open("if (training)");
            w.Line("global::ModelGen.Normalization.BatchNormTraining(x, normalized, y, " + n + "Weights, " + n + "Biases, inverseDeviation, " + n + "RunningMean, " + n +
                "RunningVariance, " + n + "BatchWeight, " + n + "Epsilon, sums, batchSize * " + n + "Pixels, " + n + "Channels" + residualArgument + reluArgument + ");");
            w.Line("Counters[" + n + "BatchesTrackedIndex]++;");
            w.Close();
            w.Open("else");
            w.Line("global::ModelGen.Normalization.BatchNormInference(x, normalized, y, " + n + "Weights, " + n + "Biases, inverseDeviation, " + n + "RunningMean, " + n +
                "RunningVariance, " + n + "Epsilon, batchSize * " + n + "Pixels, " + n + "Channels" + residualArgument + reluArgument + ");");
            w.Close();
            w.Close();
            w.Line();
        }

        private static string ResidualSlice(string n) => ".Slice(0, batchSize * " + n + "Size)";

        /// <summary>The layers a BatchNormalization's forward call computes, for comments: "Bn2 → Sum (+ Input) → Relu2".</summary>
        internal static string Chain(LayerSlot slot)
        {
            string chain = slot.Name;
            if (slot.Fusion is not { } fusion) return chain;
            if (fusion.Residual is { } residual) chain += " → " + slot.Readers[0].Name + " (+ " + residual.Tensor + ")";
            if (fusion.Relu) chain += " → " + fusion.Output.Name;
            return chain;
        }

        public override void WriteBackwardCall(SourceWriter w, LayerSlot slot)
        {
            string n = slot.Name;
            w.Line("Backward" + n + "(workspace." + n + "Normalized, " + slot.OutputDeltas + ", workspace." + n + "InverseDeviation, " +
                (slot.NeedsInputGradient ? slot.InputDeltas + ", " : "") + "workspace." + n + "Sums, batchSize, workspace.Training);");
        }

        public override void WriteBackward(SourceWriter w, LayerSlot slot)
        {
            BatchNormalizationSpec layer = Spec(slot);
            string n = layer.Name, rows = "batch" + (layer.Input.IsImage ? "·" + Format.Int(layer.Pixels) : ""), c = Format.Int(layer.Channels);
            w.Line("// " + n + " backward:");
            w.Line("//   dγ [" + c + "] = Σ dy·x̂ over the rows, dβ [" + c + "] = Σ dy");
            w.Line(slot.NeedsInputGradient
                ? "//   dx [" + rows + ", " + c + "] = γ/√(σ² + ε)/n · (n·dy − Σdy − x̂·Σ(dy·x̂)) after a training Forward (μ and σ² depend on x), γ/√(σ² + ε)·dy after an inference one"
                : "//   no dx: " + ModelEmitter.NoInputGradientReason(slot));
            string dx = slot.NeedsInputGradient ? "dx" : "default";
            w.Open("private void Backward" + n + "(" + ReadOnlySpan + " normalized, " + ReadOnlySpan + " deltas, " + ReadOnlySpan + " inverseDeviation, " +
                (slot.NeedsInputGradient ? Span + " dx, " : "") + "global::System.Span<double> sums, int batchSize, bool training)");
            w.Line("if (training) global::ModelGen.Normalization.BatchNormTrainingBackward(normalized, deltas, " + n + "Weights, inverseDeviation, " + n +
                "WeightGradients, " + n + "BiasGradients, " + dx + ", sums, batchSize * " + n + "Pixels, " + n + "Channels);");
            w.Line("else global::ModelGen.Normalization.BatchNormInferenceBackward(normalized, deltas, " + n + "Weights, inverseDeviation, " + n +
                "WeightGradients, " + n + "BiasGradients, " + dx + ", sums, batchSize * " + n + "Pixels, " + n + "Channels);");
            w.Close();
            w.Line();
        }
    }
}
