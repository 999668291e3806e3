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
                    if (matMul is { OpType: "MatMul", Removed: false, BiasAdd: null } && !other.IsData && other.Producer != matMul)
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
        /// yet (Softmax only into a Gemm or MatMul). A non-decreasing activation right after a MaxPool right after a Conv
        /// folds into the Conv: max(f(a), f(b)) = f(max(a, b)), and padding never wins a max pool (PyTorch's classic
        /// relu(max_pool2d(conv(x), 2))).
        /// </summary>
        public static void FoldActivations(OnnxValueTable values)
        {
            foreach (OnnxNode node in values.Nodes)
            {
                if (node.Removed || node.Proto.Domain.Length > 0 || node.Inputs.Count == 0 || OnnxOperators.For(node.OpType) is not ActivationOperator activation) continue;
                if (!values[node.Inputs[0]].IsData) continue;
                OnnxNode? producer = values[node.Inputs[0]].Producer;
                OnnxNode? layer = LayerWriting(producer);
                bool softmax = !activation.Monotone;
                if (layer is not null && layer.Activation is null && (!softmax || layer.OpType != "Conv"))
                {
                    layer.Activation = activation.Activation(node);
                    node.FoldedInto = layer;
                }
                else if (activation.Monotone && producer is { OpType: "MaxPool", Removed: false } && producer.Inputs.Count > 0 &&
                         LayerWriting(values[producer.Inputs[0]].Producer) is { OpType: "Conv", Activation: null } conv)
                {
                    conv.Activation = activation.Activation(node);
                    node.FoldedInto = conv;
                }
            }
        }

        /// <summary>The Gemm, MatMul or Conv whose output <paramref name="producer"/> writes (through a MatMul's bias Add).</summary>
        private static OnnxNode? LayerWriting(OnnxNode? producer)
        {
            if (producer is null || producer.Removed || producer.Proto.Domain.Length > 0) return null;
            if (producer.FoldedInto is { OpType: "MatMul" } matMul && producer.OpType == "Add") return matMul;
            return producer.OpType is "Gemm" or "MatMul" or "Conv" ? producer : null;
        }
    }
}
