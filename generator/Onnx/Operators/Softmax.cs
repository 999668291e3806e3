using System.Globalization;
using ModelGen.Generator.Layers;
using ModelGen.Generator.Onnx.Graph;

namespace ModelGen.Generator.Onnx.Operators
{
    /// <summary>Softmax over each sample's classes → the Softmax activation of the Dense layer before it (never a layer of its own); only as the last node.</summary>
    internal sealed class SoftmaxOperator : ActivationOperator
    {
        public override ActivationSpec Activation(OnnxNode node, OnnxValueTable values) => new ActivationSpec(ActivationKind.Softmax, 0f);

        public override bool Monotone => false;

        public override void Convert(OnnxNode node, OnnxConversion conversion)
        {
            if (conversion.Values[node.Inputs[0]].Layout != OnnxLayout.Flat || node.FoldedInto is null)
                throw OnnxProblems.Node(node.Proto, "does not follow a Gemm or MatMul", "ModelGen imports Softmax only on the output of a Gemm (or MatMul and Add), as the last node");
            // Opset 13 made the default axis -1; before, it was 1, which is also the last axis of [N, classes].
            long axis = node.Attribute("axis")?.I ?? (conversion.Opset >= 13 ? -1 : 1);
            if (axis != 1 && axis != -1)
                throw OnnxProblems.Node(node.Proto, "is a Softmax over axis " + axis.ToString(CultureInfo.InvariantCulture) + " of a [N, classes] tensor",
                    "ModelGen imports Softmax over the last axis (1 or -1), each sample's classes");
            base.Convert(node, conversion);
            conversion.Softmax = node.Proto;
        }
    }
}
