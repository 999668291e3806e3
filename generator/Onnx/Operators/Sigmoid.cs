using ModelGen.Generator.Layers;
using ModelGen.Generator.Onnx.Graph;

namespace ModelGen.Generator.Onnx.Operators
{
    /// <summary>Sigmoid → the Sigmoid activation of the layer before it.</summary>
    internal sealed class SigmoidOperator : ActivationOperator
    {
        public override ActivationSpec Activation(OnnxNode node, OnnxValueTable values) => new ActivationSpec(ActivationKind.Sigmoid, 0f);
    }
}
