using System;
using System.Collections.Generic;
using ModelGen.Generator.Onnx.Graph;

namespace ModelGen.Generator.Onnx.Operators
{
    /// <summary>
    /// An operator of the small integer computations that exporters write for a reshape's target shape (PyTorch's
    /// x.view(x.size(0), -1) is Shape → Gather → Unsqueeze → Concat → Reshape). Shape inference evaluates it when its
    /// inputs are known integers; it is then a constant, not part of the chain of layers.
    /// </summary>
    internal abstract class IntegerOperator : OnnxOperator
    {
        /// <summary>The node's value from its inputs' values; null when it computes something else.</summary>
        protected abstract long[]? Evaluate(OnnxNode node, List<long[]> inputs);

        public override IEnumerable<string> DataInputs(OnnxNode node) => Array.Empty<string>();

        public override bool IsConstant(OnnxNode node, OnnxValueTable values) =>
            OnnxOperatorHelpers.Output(node, values) is { Integers: not null };

        public override void Infer(OnnxNode node, OnnxValueTable values)
        {
            OnnxValue? output = OnnxOperatorHelpers.Output(node, values);
            if (output is null || node.Inputs.Count == 0) return;
            var inputs = new List<long[]>();
            foreach (string input in node.Inputs)
            {
                if (input.Length == 0) { inputs.Add(Array.Empty<long>()); continue; }
                long[]? known = values.Integers(input);
                if (known is null) return;
                inputs.Add(known);
            }
            output.Integers = Evaluate(node, inputs);
        }

        /// <summary>Reached only when the node could not be evaluated.</summary>
        public override void Convert(OnnxNode node, OnnxConversion conversion)
        {
            // On data: an operator ModelGen does not import there.
            if (node.Inputs.Count == 0 || conversion.TensorOrNull(node.Inputs[0]) is not null) throw OnnxProblems.Operator(node.Proto, node.OpType);
            throw OnnxProblems.Node(node.Proto, "computes something other than a reshape's target shape",
                "ModelGen imports " + node.OpType + " only in the integer computation of a Reshape's shape");
        }
    }
}
