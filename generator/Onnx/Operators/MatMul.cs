using ModelGen.Generator.Model;
using ModelGen.Generator.Onnx.Graph;
using static ModelGen.Generator.Onnx.Operators.OnnxOperatorHelpers;

namespace ModelGen.Generator.Onnx.Operators
{
    /// <summary>MatMul with W [in, out] (tf2onnx's Dense) → Dense; the Add of its bias folds into it (<see cref="OnnxPasses.FoldBiasAdds"/>).</summary>
    internal sealed class MatMulOperator : OnnxOperator
    {
        public override void Infer(OnnxNode node, OnnxValueTable values)
        {
            OnnxValue input = Input(node, values);
            RequireFlat(node, input);
            if (node.Inputs.Count < 2) throw OnnxProblems.Node(node.Proto, "has no second input", "MatMul reads A and B");
            OnnxTensorProto weights = OnnxWeights.Initializer(node, 1, values);
            int inputs = (int)input.Shape!.Value.Size;
            if (weights.Dims.Count != 2 || weights.Dims[0] != inputs || weights.Dims[1] < 1 || weights.Dims[1] > int.MaxValue)
                throw OnnxWeights.TensorShape(node.Proto, weights, "[" + Format.Int(inputs) + ", units] for its input " + input.Text);
            Dense.CheckSize(node, values, inputs, weights.Dims[1]);
            Set(node, values, Shape.Flat((int)weights.Dims[1]), OnnxLayout.Flat);
        }

        public override void Convert(OnnxNode node, OnnxConversion conversion)
        {
            OnnxTensorProto weights = OnnxWeights.Initializer(node, 1, conversion.Values);
            int units = (int)weights.Dims[1];
            float[] w = OnnxWeights.Values(node.Proto, weights);
            float[]? b = null;
            if (node.BiasAdd is { } add)
            {
                // x·W + b with b a vector of the layer's units, first or second operand of the Add.
                string output = conversion.Values.Resolve(node.Outputs[0]);
                string biasName = conversion.Values.Resolve(add.Inputs[0]) == output ? add.Inputs[1] : add.Inputs[0];
                b = OnnxWeights.Biases(add.Proto, biasName, conversion.Values.Constant(biasName), units);
            }
            Dense.Add(node, conversion, weights.Name, w, false, units, b);
            conversion.Advance(node);
        }
    }
}
