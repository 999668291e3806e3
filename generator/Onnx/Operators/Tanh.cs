using ModelGen.Generator.Layers;
using ModelGen.Generator.Onnx.Graph;

namespace ModelGen.Generator.Onnx.Operators
{
    /// <summary>Tanh → the Tanh activation of the layer before it.</summary>
    internal sealed class TanhOperator : ActivationOperator
    {
        public override ActivationSpec Activation(OnnxNode node, OnnxValueTable values) => new ActivationSpec(ActivationKind.Tanh, 0f);
    }
}
