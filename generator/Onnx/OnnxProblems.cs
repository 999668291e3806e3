namespace ModelGen.Generator.Onnx
{
    /// <summary>The three kinds of import problem, as exceptions that stop the import (the import step reports them).</summary>
    internal static class OnnxProblems
    {
        /// <summary>MG0034: the node is of an operator ModelGen imports, used in a way it does not.</summary>
        public static OnnxImportException Node(OnnxNodeProto node, string problem, string supported) =>
            new OnnxImportException(OnnxProblem.Create(Diagnostics.OnnxNodeUnsupported, node.Display, problem, supported));

        /// <summary>MG0035: a tensor the node reads (weights, biases, settings) is missing, of the wrong type or shape.</summary>
        public static OnnxImportException Tensor(OnnxNodeProto node, string problem, string supported) =>
            new OnnxImportException(OnnxProblem.Create(Diagnostics.OnnxTensorInvalid, node.Display, problem, supported));

        /// <summary>MG0036: the graph as a whole (opset, inputs, outputs, sizes).</summary>
        public static OnnxImportException Graph(string problem, string supported) =>
            new OnnxImportException(OnnxProblem.Create(Diagnostics.OnnxGraphUnsupported, problem, supported));

        /// <summary>MG0033: an operator ModelGen does not import at all.</summary>
        public static OnnxImportException Operator(OnnxNodeProto node, string opType) =>
            new OnnxImportException(OnnxProblem.Create(Diagnostics.OnnxOperatorUnsupported, node.Display, opType));
    }
}
