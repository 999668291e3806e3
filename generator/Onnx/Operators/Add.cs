using ModelGen.Generator.Onnx.Graph;

namespace ModelGen.Generator.Onnx.Operators
{
    /// <summary>
    /// Add: today only the bias of the MatMul before it (x·W + b, as tf2onnx writes Keras' Dense), which
    /// <see cref="OnnxPasses.FoldBiasAdds"/> folds into that MatMul; any other Add is refused.
    /// </summary>
    internal sealed class AddOperator : OnnxOperator
    {
        /// <summary>Either operand may be the data (Add is commutative): shape inference picks the one that is.</summary>
        public override System.Collections.Generic.IEnumerable<string> DataInputs(OnnxNode node) => System.Array.Empty<string>();

        public override void Infer(OnnxNode node, OnnxValueTable values)
        {
            foreach (string input in node.Inputs)
            {
                if (input.Length > 0 && values[input].IsData)
                {
                    OnnxOperatorHelpers.CopyTo(OnnxOperatorHelpers.Output(node, values), values[input]);
                    return;
                }
            }
        }

        public override void Convert(OnnxNode node, OnnxConversion conversion)
        {
            if (node.FoldedInto is null)
                throw OnnxProblems.Node(node.Proto, "does not add a bias to the output of a MatMul", "ModelGen imports Add only as the bias of the MatMul right before it");
            conversion.Advance(node);
        }
    }
}
