using ModelGen.Generator.Layers;
using ModelGen.Generator.Onnx.Graph;

namespace ModelGen.Generator.Onnx.Operators
{
    /// <summary>Relu → the ReLU activation of the layer before it.</summary>
    internal sealed class ReluOperator : ActivationOperator
    {
        public override ActivationSpec Activation(OnnxNode node, OnnxValueTable values) => new ActivationSpec(ActivationKind.ReLU, 0f);
    }
}
