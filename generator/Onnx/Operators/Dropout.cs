using ModelGen.Generator.Layers;
using ModelGen.Generator.Model;
using ModelGen.Generator.Onnx.Graph;

namespace ModelGen.Generator.Onnx.Operators
{
    /// <summary>Dropout (training-mode exports keep it) → Dropout, which does nothing at inference.</summary>
    internal sealed class DropoutOperator : OnnxOperator
    {
        /// <summary>Opset 12 moved the ratio from an attribute to the second input; 0.5 when absent.</summary>
        private static float Rate(OnnxNode node, OnnxValueTable values)
        {
            float rate = node.Attribute("ratio")?.F ?? 0.5f;
            if (node.Inputs.Count > 1 && node.Inputs[1].Length > 0)
            {
                OnnxTensorProto? ratio = values.Constant(node.Inputs[1]);
                float[]? ratios = ratio is null ? null : OnnxTensors.Floats(ratio);
                if (ratios is null || ratios.Length != 1)
                    throw OnnxProblems.Node(node.Proto, "has a ratio that is not a float constant", "ModelGen imports Dropout with a constant ratio");
                rate = ratios[0];
            }
            if (!(rate >= 0f && rate < 1f))
                throw OnnxProblems.Node(node.Proto, "has ratio " + Format.Float(rate), "ModelGen imports Dropout with a ratio ≥ 0 and < 1");
            return rate;
        }

        public override void Infer(OnnxNode node, OnnxValueTable values)
        {
            Rate(node, values);
            OnnxOperatorHelpers.SameAsInput(node, values);
        }

        public override void Convert(OnnxNode node, OnnxConversion conversion)
        {
            Shape shape = conversion.Values[node.Inputs[0]].Shape!.Value;
            conversion.Add(new DropoutSpec(conversion.LayerName(DropoutLayer.Instance, null), shape, shape, Rate(node, conversion.Values)));
            conversion.Advance(node);
        }
    }
}
