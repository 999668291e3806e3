using ModelGen.Generator.Model;
using ModelGen.Generator.Onnx.Graph;
using static ModelGen.Generator.Onnx.Operators.OnnxOperatorHelpers;

namespace ModelGen.Generator.Onnx.Operators
{
    /// <summary>Gemm (A·B + C, transB = 1 as PyTorch's nn.Linear writes it, or 0) → Dense.</summary>
    internal sealed class GemmOperator : OnnxOperator
    {
        public override void Infer(OnnxNode node, OnnxValueTable values)
        {
            OnnxValue input = Input(node, values);
            RequireFlat(node, input);
            if ((node.Attribute("transA")?.I ?? 0) != 0) throw OnnxProblems.Node(node.Proto, "has transA = 1", "ModelGen imports Gemm with transA = 0 (the batch along the rows)");
            float alpha = node.Attribute("alpha")?.F ?? 1f, beta = node.Attribute("beta")?.F ?? 1f;
            if (alpha != 1f || beta != 1f)
                throw OnnxProblems.Node(node.Proto, "has alpha " + Format.Float(alpha) + " and beta " + Format.Float(beta), "ModelGen imports Gemm with alpha = beta = 1");
            long transB = node.Attribute("transB")?.I ?? 0;
            if (node.Inputs.Count < 2) throw OnnxProblems.Node(node.Proto, "has no B input", "Gemm reads A, B and optionally C");
            OnnxTensorProto weights = OnnxWeights.Initializer(node, 1, values);
            int inputs = (int)input.Shape!.Value.Size;
            if (weights.Dims.Count != 2) throw OnnxWeights.TensorShape(node.Proto, weights, transB == 1 ? "[units, " + Format.Int(inputs) + "]" : "[" + Format.Int(inputs) + ", units]");
            long units = transB == 1 ? weights.Dims[0] : weights.Dims[1];
            long fanIn = transB == 1 ? weights.Dims[1] : weights.Dims[0];
            if (fanIn != inputs || units < 1 || units > int.MaxValue)
                throw OnnxWeights.TensorShape(node.Proto, weights, transB == 1 ? "[units, " + Format.Int(inputs) + "] (transB = 1) for its input " + input.Text : "[" + Format.Int(inputs) + ", units] for its input " + input.Text);
            Dense.CheckSize(node, values, inputs, units);
            Set(node, values, Shape.Flat((int)units), OnnxLayout.Flat);
        }

        public override void Convert(OnnxNode node, OnnxConversion conversion)
        {
            OnnxTensorProto weights = OnnxWeights.Initializer(node, 1, conversion.Values);
            bool transB = (node.Attribute("transB")?.I ?? 0) == 1;
            int units = (int)(transB ? weights.Dims[0] : weights.Dims[1]);
            float[] w = OnnxWeights.Values(node.Proto, weights);
            float[]? b = node.Inputs.Count > 2 && node.Inputs[2].Length > 0
                ? OnnxWeights.Biases(node.Proto, node.Inputs[2], conversion.Values.Constant(node.Inputs[2]), units)
                : null;
            Dense.Add(node, conversion, weights.Name, w, transB, units, b);
            conversion.Advance(node);
        }
    }
}
