using ModelGen.Generator.Onnx.Graph;

namespace ModelGen.Generator.Onnx.Operators
{
    /// <summary>What several operators share: their output values, and the checks of their data input's layout.</summary>
    internal static class OnnxOperatorHelpers
    {
        /// <summary>The value of the node's first output, or null when it has none (conversion reports that).</summary>
        public static OnnxValue? Output(OnnxNode node, OnnxValueTable values) =>
            node.Outputs.Count == 0 || node.Outputs[0].Length == 0 ? null : values[node.Outputs[0]];

        /// <summary>The node's data input (its first input).</summary>
        public static OnnxValue Input(OnnxNode node, OnnxValueTable values) => values[node.Inputs[0]];

        /// <summary>The output is the input, element for element (an activation, Dropout, Identity).</summary>
        public static void SameAsInput(OnnxNode node, OnnxValueTable values) => CopyTo(Output(node, values), Input(node, values));

        public static void CopyTo(OnnxValue? output, OnnxValue input)
        {
            if (output is null || output == input) return;
            output.Shape = input.Shape;
            output.Layout = input.Layout;
            output.FlattenedImage = input.FlattenedImage;
            output.FlattenedChannelsFirst = input.FlattenedChannelsFirst;
        }

        /// <summary>Sets the output to a tensor of a new shape (nothing flattened in it).</summary>
        public static void Set(OnnxNode node, OnnxValueTable values, Model.Shape shape, OnnxLayout layout)
        {
            OnnxValue? output = Output(node, values);
            if (output is null) return;
            output.Shape = shape;
            output.Layout = layout;
            output.FlattenedImage = null;
            output.FlattenedChannelsFirst = false;
        }

        public static void RequireFlat(OnnxNode node, OnnxValue input)
        {
            if (input.Layout != OnnxLayout.Flat)
                throw OnnxProblems.Node(node.Proto, "reads the image " + input.Text, "ModelGen imports Gemm and MatMul on [N, features]: flatten the image first (Flatten, or Reshape to [N, -1])");
        }

        public static void RequireChannelsFirst(OnnxNode node, OnnxValue input)
        {
            if (input.Layout != OnnxLayout.ChannelsFirst || !input.Shape!.Value.IsImage)
                throw OnnxProblems.Node(node.Proto, "reads " + input.Text, "ModelGen imports " + node.OpType + " on channels-first images [N, C, H, W]");
        }
    }
}
