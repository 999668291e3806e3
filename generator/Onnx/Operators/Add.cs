using System.Collections.Generic;
using ModelGen.Generator.Layers;
using ModelGen.Generator.Model;
using ModelGen.Generator.Onnx.Graph;

namespace ModelGen.Generator.Onnx.Operators
{
    /// <summary>
    /// Add of two data tensors of one shape (a residual connection) → Add; or the bias of the MatMul before it
    /// (x·W + b, as tf2onnx writes Keras' Dense), which <see cref="OnnxPasses.FoldBiasAdds"/> folds into that MatMul.
    /// Any other Add (broadcasting, constants that are no MatMul's bias) is refused.
    /// </summary>
    internal sealed class AddOperator : OnnxOperator
    {
        private const string Supported = "ModelGen imports Add of two tensors of one shape computed from the input (a residual connection), " +
            "or as the bias of the MatMul right before it";

        /// <summary>Either operand may be the data, or both (Add is commutative): shape inference looks at each.</summary>
        public override IEnumerable<string> DataInputs(OnnxNode node) => System.Array.Empty<string>();

        private static bool IsData(OnnxNode node, OnnxValueTable values, int input) =>
            node.Inputs.Count > input && node.Inputs[input].Length > 0 && values[node.Inputs[input]].IsData;

        public override void Infer(OnnxNode node, OnnxValueTable values)
        {
            if (node.Inputs.Count == 2 && IsData(node, values, 0) && IsData(node, values, 1))
            {
                OnnxValue a = values[node.Inputs[0]], b = values[node.Inputs[1]];
                if (a.Shape != b.Shape || a.Layout != b.Layout || a.FlattenedImage != b.FlattenedImage || a.FlattenedChannelsFirst != b.FlattenedChannelsFirst)
                    throw OnnxProblems.Node(node.Proto, "adds " + a.Text + " and " + b.Text + (a.Text == b.Text ? " laid out differently" : ""),
                        "ModelGen imports Add of two tensors of one shape (no broadcasting)");
                OnnxOperatorHelpers.CopyTo(OnnxOperatorHelpers.Output(node, values), a);
                return;
            }
            for (int i = 0; i < node.Inputs.Count; i++)
            {
                if (IsData(node, values, i))
                {
                    OnnxOperatorHelpers.CopyTo(OnnxOperatorHelpers.Output(node, values), values[node.Inputs[i]]);
                    return;
                }
            }
        }

        public override void Convert(OnnxNode node, OnnxConversion conversion)
        {
            if (node.FoldedInto is { } matMul)
            {
                // The output is the MatMul's layer, whichever operand the MatMul's output is.
                string product = conversion.Values.Resolve(matMul.Outputs[0]);
                conversion.Advance(node, conversion.Values.Resolve(node.Inputs[0]) == product ? node.Inputs[0] : node.Inputs[1]);
                return;
            }
            string? a = node.Inputs.Count == 2 ? conversion.TensorOrNull(node.Inputs[0]) : null;
            string? b = node.Inputs.Count == 2 ? conversion.TensorOrNull(node.Inputs[1]) : null;
            if (a is null || b is null)
            {
                bool anyData = node.Inputs.Exists(i => conversion.TensorOrNull(i) is not null);
                throw OnnxProblems.Node(node.Proto, anyData ? "adds a constant that is not the bias of a MatMul right before it" : "adds tensors not computed from the graph's input", Supported);
            }
            if (a == b) throw OnnxProblems.Node(node.Proto, "adds a tensor to itself", "ModelGen imports Add of two different tensors (x + x is a Mul by 2, which ModelGen does not import)");
            Shape shape = conversion.Values[node.Inputs[0]].Shape!.Value;
            conversion.Add(new AddSpec(conversion.LayerNameOfNode(AddLayer.Instance, node), shape, shape, 2), onnxInputs: node.Inputs);
            conversion.Advance(node);
        }
    }
}
