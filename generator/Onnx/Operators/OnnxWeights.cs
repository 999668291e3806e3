using ModelGen.Generator.Model;
using ModelGen.Generator.Onnx.Graph;

namespace ModelGen.Generator.Onnx.Operators
{
    /// <summary>Reading a node's constant inputs (weights, biases) with the problems of each.</summary>
    internal static class OnnxWeights
    {
        /// <summary>The node's input <paramref name="input"/>, which must be float32 data stored in the file.</summary>
        public static OnnxTensorProto Initializer(OnnxNode node, int input, OnnxValueTable values) =>
            Usable(node.Proto, node.Inputs[input], values.Constant(node.Inputs[input]));

        /// <summary>The tensor named <paramref name="name"/> if it is float32 data stored in the file; otherwise the problem.</summary>
        public static OnnxTensorProto Usable(OnnxNodeProto node, string name, OnnxTensorProto? tensor)
        {
            if (tensor is null)
                throw OnnxProblems.Tensor(node, "reads '" + name + "', which is neither an initializer nor a Constant",
                    "ModelGen imports weights stored in the file (a missing initializer, or weights computed by other nodes, cannot be imported)");
            if (tensor.External)
                throw OnnxProblems.Tensor(node, "reads '" + name + "', whose data is stored outside the .onnx file (external data)",
                    "ModelGen imports files with their weights inside; save with save_as_external_data=False");
            if (tensor.DataType != OnnxDataType.Float)
                throw OnnxProblems.Tensor(node, "reads '" + name + "' of type " + OnnxDataType.Name(tensor.DataType), "ModelGen imports float32 weights");
            if (tensor.Name.Length == 0) tensor.Name = name; // a Constant node's tensor: named after the node's output in messages
            return tensor;
        }

        public static float[] Values(OnnxNodeProto node, OnnxTensorProto tensor)
        {
            long expected = OnnxTensors.ElementCount(tensor.Dims);
            float[]? values = OnnxTensors.Floats(tensor);
            if (values is null || expected < 0 || values.Length != expected)
                throw OnnxProblems.Tensor(node, "reads '" + tensor.Name + "' with dims " + tensor.DimsText + " but " +
                    (values is null ? "data that is not whole float32 values" : Format.Count(values.Length) + " values"),
                    "a tensor must hold exactly as many values as its dims give");
            return values;
        }

        /// <summary>A bias vector of <paramref name="units"/> values, [units] or [1, units].</summary>
        public static float[] Biases(OnnxNodeProto node, string name, OnnxTensorProto? tensor, int units)
        {
            OnnxTensorProto usable = Usable(node, name, tensor);
            bool shapeFits = (usable.Dims.Count == 1 && usable.Dims[0] == units) || (usable.Dims.Count == 2 && usable.Dims[0] == 1 && usable.Dims[1] == units);
            if (!shapeFits) throw TensorShape(node, usable, "[" + Format.Int(units) + "]");
            return Values(node, usable);
        }

        public static OnnxImportException TensorShape(OnnxNodeProto node, OnnxTensorProto tensor, string expected) =>
            OnnxProblems.Tensor(node, "reads '" + tensor.Name + "' with dims " + tensor.DimsText, "ModelGen expects " + expected);
    }
}
