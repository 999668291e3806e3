using System.Globalization;
using ModelGen.Generator.Layers;
using ModelGen.Generator.Model;
using ModelGen.Generator.Onnx.Graph;
using static ModelGen.Generator.Onnx.Operators.OnnxOperatorHelpers;

namespace ModelGen.Generator.Onnx.Operators
{
    /// <summary>
    /// BatchNormalization in inference form (X, scale, B, input_mean, input_var; as PyTorch's TrainingMode.PRESERVE
    /// exports keep it) → BatchNormalization: γ (scale) and β (B) are its parameters, the running mean and variance its
    /// State, and num_batches_tracked (from an initializer named as in PyTorch's state_dict, else 0) its counter. ONNX's
    /// momentum is Keras' convention already (running = running·momentum + batch·(1 − momentum)): PyTorch's 0.1 exports as 0.9.
    /// </summary>
    internal sealed class BatchNormalizationOperator : OnnxOperator
    {
        private static readonly string[] InputNames = { "X", "scale", "B", "input_mean", "input_var" };

        public override void Infer(OnnxNode node, OnnxValueTable values)
        {
            OnnxValue input = Input(node, values);
            Shape shape = input.Shape!.Value;
            if (input.Layout == OnnxLayout.ChannelsLast || (input.Layout == OnnxLayout.ChannelsFirst && !shape.IsImage))
                throw OnnxProblems.Node(node.Proto, "normalizes " + input.Text + " along its axis 1",
                    "ModelGen imports BatchNormalization on channels-first images [N, C, H, W] and on [N, features]");
            if (input.FlattenedImage is { } image && input.FlattenedChannelsFirst && image.Channels > 1)
                throw OnnxProblems.Node(node.Proto, "normalizes the flattened channels-first image " + OnnxValue.ChannelsFirstText(image),
                    "ModelGen flattens images in (h, w, c) order; normalize the image before flattening it");
            if (node.Inputs.Count != 5)
                throw OnnxProblems.Node(node.Proto, "has " + node.Inputs.Count.ToString(CultureInfo.InvariantCulture) + " inputs",
                    "BatchNormalization reads X, scale, B, input_mean and input_var");
            int channels = Channels(shape);
            for (int i = 1; i < 5; i++)
            {
                OnnxTensorProto tensor = OnnxWeights.Initializer(node, i, values);
                if (tensor.Dims.Count != 1 || tensor.Dims[0] != channels)
                    throw OnnxWeights.TensorShape(node.Proto, tensor, "[" + Format.Int(channels) + "] for its " + InputNames[i] + ", one per channel of its input " + input.Text);
            }
            Settings(node);
            SameAsInput(node, values);
        }

        private static int Channels(Shape shape) => shape.IsImage ? shape.Channels : (int)shape.Size;

        /// <summary>momentum and epsilon, checked; training_mode (opset 14 and later) must be 0 and spatial (before opset 9) 1.</summary>
        private static (float Momentum, float Epsilon) Settings(OnnxNode node)
        {
            if ((node.Attribute("training_mode")?.I ?? 0) != 0)
                throw OnnxProblems.Node(node.Proto, "has training_mode 1",
                    "ModelGen imports BatchNormalization in inference form (training_mode 0, the running statistics as inputs); export with TrainingMode.PRESERVE or EVAL");
            if ((node.Attribute("spatial")?.I ?? 1) != 1)
                throw OnnxProblems.Node(node.Proto, "has spatial 0", "ModelGen imports BatchNormalization with statistics per channel (spatial 1)");
            float momentum = node.Attribute("momentum")?.F ?? 0.9f;
            float epsilon = node.Attribute("epsilon")?.F ?? 1e-5f;
            if (!(momentum >= 0f && momentum <= 1f))
                throw OnnxProblems.Node(node.Proto, "has momentum " + Format.Float(momentum),
                    "ModelGen imports BatchNormalization with a momentum in [0, 1] (the share of the running statistics a training batch keeps)");
            if (!(epsilon > 0f) || float.IsInfinity(epsilon))
                throw OnnxProblems.Node(node.Proto, "has epsilon " + Format.Float(epsilon), "ModelGen imports BatchNormalization with a positive, finite epsilon");
            return (momentum, epsilon);
        }

        public override void Convert(OnnxNode node, OnnxConversion conversion)
        {
            OnnxValueTable values = conversion.Values;
            Shape shape = values[node.Inputs[0]].Shape!.Value;
            OnnxTensorProto scale = OnnxWeights.Initializer(node, 1, values);
            float[] gamma = OnnxWeights.Values(node.Proto, scale);
            float[] beta = OnnxWeights.Values(node.Proto, OnnxWeights.Initializer(node, 2, values));
            float[] mean = OnnxWeights.Values(node.Proto, OnnxWeights.Initializer(node, 3, values));
            float[] variance = OnnxWeights.Values(node.Proto, OnnxWeights.Initializer(node, 4, values));
            foreach (float v in variance)
            {
                if (!(v >= 0f) || float.IsInfinity(v))
                    throw OnnxProblems.Tensor(node.Proto, "reads '" + node.Inputs[4] + "' with the variance " + Format.Float(v), "a running variance must be finite and ≥ 0");
            }
            (float momentum, float epsilon) = Settings(node);
            string name = conversion.LayerName(BatchNormalizationLayer.Instance, scale.Name, node);
            string? saved = OnnxConversion.SavedName(scale.Name, name, pyTorchLayout: true);
            conversion.Add(new BatchNormalizationSpec(name, shape, shape, momentum, epsilon, saved), gamma, beta);
            conversion.State.AddRange(mean);
            conversion.State.AddRange(variance);
            conversion.Counters.Add(BatchesTracked(values, saved ?? name, scale.Name));
            conversion.Advance(node);
        }

        /// <summary>PyTorch's num_batches_tracked when the file has it under the state_dict's name ("bn1.num_batches_tracked"), else 0.</summary>
        private static long BatchesTracked(OnnxValueTable values, string module, string scaleName)
        {
            const string Suffix = ".weight";
            string stem = scaleName.EndsWith(Suffix, System.StringComparison.Ordinal) ? scaleName.Substring(0, scaleName.Length - Suffix.Length) : module;
            long[]? count = values[stem + ".num_batches_tracked"].Constant is not null ? values.Integers(stem + ".num_batches_tracked") : null;
            return count is { Length: 1 } && count[0] >= 0 ? count[0] : 0;
        }
    }
}
