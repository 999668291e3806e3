using ModelGen.Generator.Model;
using ModelGen.Generator.Onnx.Graph;
using static ModelGen.Generator.Onnx.Operators.OnnxOperatorHelpers;

namespace ModelGen.Generator.Onnx.Operators
{
    /// <summary>Reshape to [N, -1] (or [-1, size]): a flatten, its target a constant or computed from the input's shape.</summary>
    internal sealed class ReshapeOperator : OnnxOperator
    {
        public override void Infer(OnnxNode node, OnnxValueTable values)
        {
            OnnxValue input = Input(node, values);
            long[]? target = node.Inputs.Count > 1 ? values.Integers(node.Inputs[1]) : null;
            if (target is null)
                throw OnnxProblems.Node(node.Proto, "reshapes to a shape that is not a constant or computed from the input's shape",
                    "ModelGen imports Reshape to [N, -1] from a Constant, an initializer or PyTorch's x.view(x.size(0), -1)");
            long size = input.Shape!.Value.Size;
            bool batchFirst = target.Length == 2 && (target[0] == OnnxTensors.Batch || target[0] == 0 || target[0] == -1) &&
                              (target[1] == -1 || target[1] == size);
            bool batchInferred = target.Length == 2 && target[0] == -1 && target[1] == size;
            if (!batchFirst && !batchInferred)
                throw OnnxProblems.Node(node.Proto, "reshapes " + input.Text + " to " + OnnxTensors.Text(target),
                    "ModelGen imports Reshape only as a flatten, to [N, -1] or [-1, " + Format.Long(size) + "]");
            FlattenOperator.InferFlatten(node, values);
        }

        public override void Convert(OnnxNode node, OnnxConversion conversion) => FlattenOperator.ConvertFlatten(node, conversion);
    }
}
