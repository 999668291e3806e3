using ModelGen.Generator.Layers;
using ModelGen.Generator.Model;
using ModelGen.Generator.Onnx.Graph;

namespace ModelGen.Generator.Onnx.Operators
{
    /// <summary>
    /// Clip with min 0 and max 6 → ReLU6 (min 0 alone: ReLU), folded into the layer before it like any activation.
    /// PyTorch exports nn.ReLU6 as Relu then Clip(0, 6) with Constant min and max (<see cref="OnnxPasses.FoldReluIntoClip"/>).
    /// </summary>
    internal sealed class ClipOperator : ActivationOperator
    {
        public override ActivationSpec Activation(OnnxNode node, OnnxValueTable values)
        {
            // Opset 11 moved min and max from attributes to optional inputs.
            float min = Bound(node, values, 1, "min", float.NegativeInfinity);
            float max = Bound(node, values, 2, "max", float.PositiveInfinity);
            if (min == 0f && max == 6f) return new ActivationSpec(ActivationKind.ReLU6, 0f);
            if (min == 0f && float.IsPositiveInfinity(max)) return new ActivationSpec(ActivationKind.ReLU, 0f);
            throw OnnxProblems.Node(node.Proto, "clips to [" + Text(min) + ", " + Text(max) + "]",
                "ModelGen imports Clip with min 0 and max 6 (ReLU6), or min 0 alone (ReLU)");
        }

        private static string Text(float value) => float.IsInfinity(value) ? (value > 0 ? "∞" : "−∞") : Format.Float(value);

        private static float Bound(OnnxNode node, OnnxValueTable values, int input, string attribute, float none)
        {
            if (node.Inputs.Count > input && node.Inputs[input].Length > 0)
            {
                float[]? bound = values.Constant(node.Inputs[input]) is { } tensor ? OnnxTensors.Floats(tensor) : null;
                if (bound is not { Length: 1 })
                    throw OnnxProblems.Node(node.Proto, "has a " + attribute + " that is not a float constant", "ModelGen imports Clip with constant bounds (Constant nodes or initializers)");
                return bound[0];
            }
            return node.Attribute(attribute)?.F ?? none;
        }

        public override void Infer(OnnxNode node, OnnxValueTable values)
        {
            base.Infer(node, values);
            node.ClipKind = Activation(node, values).Kind;
        }
    }
}
