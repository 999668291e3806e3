using ModelGen.Generator.Onnx.Graph;

namespace ModelGen.Generator.Onnx.Operators
{
    /// <summary>Shape of a data tensor: its dims as ONNX gives them, the batch unknown until run time (<see cref="OnnxTensors.Batch"/>).</summary>
    internal sealed class ShapeOperator : OnnxOperator
    {
        public override void Infer(OnnxNode node, OnnxValueTable values)
        {
            OnnxValue? output = OnnxOperatorHelpers.Output(node, values);
            if (output is not null) output.Integers = OnnxOperatorHelpers.Input(node, values).Dims;
        }

        public override bool IsConstant(OnnxNode node, OnnxValueTable values) =>
            OnnxOperatorHelpers.Output(node, values) is { Integers: not null };

        /// <summary>Reached only for a Shape that shape inference could not follow.</summary>
        public override void Convert(OnnxNode node, OnnxConversion conversion) => throw OnnxProblems.Operator(node.Proto, node.OpType);
    }
}
