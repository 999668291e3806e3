using ModelGen.Generator.Onnx.Graph;

namespace ModelGen.Generator.Onnx.Operators
{
    /// <summary>Constant (value, value_int(s), value_float): a constant value of the table, like an initializer.</summary>
    internal sealed class ConstantOperator : OnnxOperator
    {
        public override System.Collections.Generic.IEnumerable<string> DataInputs(OnnxNode node) => System.Array.Empty<string>();

        public override void Infer(OnnxNode node, OnnxValueTable values)
        {
            if (node.Outputs.Count == 0) return;
            OnnxValue output = values[node.Outputs[0]];
            if (node.Attribute("value")?.T is { } tensor) output.Constant = tensor;
            else if (node.Attribute("value_ints") is { } ints) output.Integers = ints.Ints.ToArray();
            else if (node.Attribute("value_int") is { } one) output.Integers = new[] { one.I };
            else if (node.Attribute("value_float") is { } f) output.Constant = FloatScalar(f.F);
            else throw OnnxProblems.Node(node.Proto, "holds no tensor, int or float value", "ModelGen reads Constant nodes with value, value_int(s) or value_float");
        }

        private static OnnxTensorProto FloatScalar(float value)
        {
            var tensor = new OnnxTensorProto { DataType = OnnxDataType.Float };
            tensor.FloatData.Add(value);
            return tensor;
        }

        public override bool IsConstant(OnnxNode node, OnnxValueTable values) => node.Outputs.Count > 0;

        /// <summary>Reached only for a Constant without an output.</summary>
        public override void Convert(OnnxNode node, OnnxConversion conversion) => throw OnnxProblems.Operator(node.Proto, node.OpType);
    }
}
