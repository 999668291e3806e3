using ModelGen.Generator.Onnx.Operators;

namespace ModelGen.Generator.Onnx.Graph
{
    /// <summary>
    /// Rewrites of the graph before conversion. None of them reports a problem: they only decide what folds where, and
    /// a node they leave alone is converted (or refused) on its own.
    /// </summary>
    internal static class OnnxPasses
    {
        /// <summary>
        /// Before shape inference: an Identity's output becomes another name for its input, and the node goes. That
        /// resolves the Identity nodes eval exports write to alias deduplicated weights, and those on the data path.
        /// </summary>
        public static void ResolveIdentities(OnnxValueTable values)
        {
            foreach (OnnxNode node in values.Nodes)
            {
                if (node.OpType != "Identity" || node.Proto.Domain.Length > 0 || node.Inputs.Count != 1 || node.Outputs.Count != 1 ||
                    node.Inputs[0].Length == 0 || node.Outputs[0].Length == 0) continue;
                node.Removed = values.Alias(node.Outputs[0], node.Inputs[0]);
            }
        }

        /// <summary>After shape inference: a Flatten or a flattening Reshape of a tensor that is flat already does nothing.</summary>
        public static void RemovePassThroughs(OnnxValueTable values)
        {
            foreach (OnnxNode node in values.Nodes)
            {
                if (node.Removed || (node.OpType != "Flatten" && node.OpType != "Reshape") || node.Inputs.Count == 0 || node.Outputs.Count != 1) continue;
                OnnxValue input = values[node.Inputs[0]], output = values[node.Outputs[0]];
                if (input.IsData && input.Layout == OnnxLayout.Flat && output.IsData && output.Layout == OnnxLayout.Flat)
                    node.Removed = values.Alias(node.Outputs[0], node.Inputs[0]);
            }
        }

        /// <summary>
        /// An Add of a MatMul's output and a tensor that is not data (a bias vector: an initializer or a Constant, or a
        /// missing tensor, which the MatMul's conversion reports) is the MatMul's bias (tf2onnx's Keras Dense).
        /// </summary>
        public static void FoldBiasAdds(OnnxValueTable values)
        {
            foreach (OnnxNode node in values.Nodes)
            {
                if (node.Removed || node.OpType != "Add" || node.Proto.Domain.Length > 0 || node.Inputs.Count != 2) continue;
                for (int i = 0; i < 2; i++)
                {
                    OnnxNode? matMul = values[node.Inputs[i]].Producer;
                    OnnxValue other = values[node.Inputs[1 - i]];
                    if (matMul is { OpType: "MatMul", Removed: false, BiasAdd: null } && !other.IsData && other.Producer != matMul &&
                        values.OnlyReader(node.Inputs[i], node))
                    {
                        matMul.BiasAdd = node;
                        node.FoldedInto = matMul;
                        break;
                    }
                }
            }
        }

        /// <summary>
        /// An activation folds into the Gemm, MatMul (with its Add) or Conv that writes its input, if that layer has none
        /// yet and nothing else reads its output (Softmax only into a Gemm or MatMul). A non-decreasing activation right
        /// after a MaxPool right after a Conv folds into the Conv: max(f(a), f(b)) = f(max(a, b)), and padding never wins
        /// a max pool (PyTorch's classic relu(max_pool2d(conv(x), 2))).
        /// </summary>
        public static void FoldActivations(OnnxValueTable values)
        {
            foreach (OnnxNode node in values.Nodes)
            {
                if (node.Removed || node.Proto.Domain.Length > 0 || node.Inputs.Count == 0 || OnnxOperators.For(node.OpType) is not ActivationOperator activation) continue;
                if (!values[node.Inputs[0]].IsData || !values.OnlyReader(node.Inputs[0], node)) continue;
                OnnxNode? producer = values[node.Inputs[0]].Producer;
                OnnxNode? layer = LayerWriting(producer, values);
                bool softmax = !activation.Monotone;
                if (layer is not null && layer.Activation is null && (!softmax || layer.OpType != "Conv"))
                {
                    layer.Activation = activation.Activation(node, values);
                    node.FoldedInto = layer;
                }
                else if (activation.Monotone && producer is { OpType: "MaxPool", Removed: false } && producer.Inputs.Count > 0 &&
                         values.OnlyReader(producer.Inputs[0], producer) &&
                         LayerWriting(values[producer.Inputs[0]].Producer, values) is { OpType: "Conv", Activation: null } conv)
                {
                    conv.Activation = activation.Activation(node, values);
                    node.FoldedInto = conv;
                }
            }
        }

        /// <summary>
        /// Relu then Clip(0, 6) (how PyTorch exports ReLU6) is Clip(0, 6) alone: when the Clip is the Relu's only reader,
        /// the Relu goes (its output becomes a name of its input), and the Clip folds or stays as ReLU6.
        /// </summary>
        public static void FoldReluIntoClip(OnnxValueTable values)
        {
            foreach (OnnxNode node in values.Nodes)
            {
                if (node.Removed || node.OpType != "Clip" || node.Proto.Domain.Length > 0 || node.Inputs.Count == 0 || node.ClipKind != Layers.ActivationKind.ReLU6) continue;
                if (values[node.Inputs[0]].Producer is { OpType: "Relu", Removed: false } relu && relu.Proto.Domain.Length == 0 &&
                    relu.Inputs.Count == 1 && relu.Outputs.Count == 1 && values[relu.Inputs[0]].IsData && values.OnlyReader(relu.Outputs[0], node))
                {
                    relu.Removed = values.Alias(relu.Outputs[0], relu.Inputs[0]);
                }
            }
        }

        /// <summary>
        /// Pad nodes (zeros on the height and width, checked by shape inference) right before an AveragePool or a Conv,
        /// and read by nothing else, become that node's padding: <see cref="OnnxNode.FoldedPads"/> adds to its own pads.
        /// PyTorch's AvgPool2d exports as a Pad and an AveragePool; F.pad before a pooling or convolution likewise. The
        /// zeros a Pad adds count in an average, so an AveragePool that has pads of its own which do not
        /// (count_include_pad 0) takes no nonzero Pad.
        /// </summary>
        public static void FoldPads(OnnxValueTable values)
        {
            foreach (OnnxNode node in values.Nodes)
            {
                if (node.Removed || node.Proto.Domain.Length > 0 || (node.OpType != "AveragePool" && node.OpType != "Conv") || node.Inputs.Count == 0) continue;
                var pads = new long[4];
                var folded = new System.Collections.Generic.List<OnnxNode>();
                OnnxNode reader = node;
                string input = node.Inputs[0];
                while (values[input].Producer is { OpType: "Pad", Removed: false, Pads: { } more } pad && pad.Inputs.Count > 0 && values.OnlyReader(input, reader))
                {
                    for (int i = 0; i < 4; i++) pads[i] += more[i];
                    folded.Add(pad);
                    reader = pad;
                    input = pad.Inputs[0];
                }
                if (folded.Count == 0) continue;
                bool padded = System.Array.Exists(pads, p => p != 0);
                if (node.OpType == "AveragePool" && padded && (node.Attribute("count_include_pad")?.I ?? 0) == 0 &&
                    node.Attribute("pads") is { } own && own.Ints.Exists(p => p != 0)) continue;
                foreach (OnnxNode pad in folded) pad.FoldedInto = node;
                node.FoldedPads = pads;
                node.PadInput = values.Resolve(input);
            }
        }

        /// <summary>The Gemm, MatMul or Conv whose output <paramref name="producer"/> writes (through a MatMul's bias Add).</summary>
        private static OnnxNode? LayerWriting(OnnxNode? producer, OnnxValueTable values)
        {
            if (producer is null || producer.Removed || producer.Proto.Domain.Length > 0) return null;
            if (producer.FoldedInto is { OpType: "MatMul" } matMul && producer.OpType == "Add") return matMul;
            return producer.OpType is "Gemm" or "MatMul" or "Conv" ? producer : null;
        }
    }
}
