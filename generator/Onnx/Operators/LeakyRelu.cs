using ModelGen.Generator.Layers;
using ModelGen.Generator.Model;
using ModelGen.Generator.Onnx.Graph;

namespace ModelGen.Generator.Onnx.Operators
{
    /// <summary>LeakyRelu (alpha 0.01 unless given) → the LeakyReLU activation of the layer before it.</summary>
    internal sealed class LeakyReluOperator : ActivationOperator
    {
        public override ActivationSpec Activation(OnnxNode node, OnnxValueTable values)
        {
            float alpha = node.Attribute("alpha")?.F ?? 0.01f;
            // alpha ≥ 0 keeps the function non-decreasing, which folding through a max pool needs.
            if (!(alpha >= 0f && !float.IsInfinity(alpha)))
                throw OnnxProblems.Node(node.Proto, "has alpha " + Format.Float(alpha), "ModelGen imports LeakyRelu with a finite alpha ≥ 0");
            return new ActivationSpec(ActivationKind.LeakyReLU, alpha);
        }
    }
}
