using System.Collections.Generic;
using ModelGen.Generator.Onnx.Graph;
using static ModelGen.Generator.Onnx.Operators.OnnxOperatorHelpers;

namespace ModelGen.Generator.Onnx.Operators
{
    /// <summary>
    /// Transpose between NCHW and NHWC: only how ONNX lays the image out changes (ModelGen's buffer is channels-last
    /// either way), so no layer. A Transpose to NCHW right on a 4-D input makes that input NHWC (ModelGen's own
    /// exports, tf2onnx's Keras models); the mapper decides that when it reads the input (<see cref="MakesInputChannelsLast"/>).
    /// </summary>
    internal sealed class TransposeOperator : OnnxOperator
    {
        private static bool Is(List<long> perm, long a, long b, long c, long d) =>
            perm.Count == 4 && perm[0] == a && perm[1] == b && perm[2] == c && perm[3] == d;

        private static List<long> Perm(OnnxNode node) => node.Attribute("perm")?.Ints ?? new List<long>();

        /// <summary>Whether the node turns an NHWC tensor into NCHW (perm [0, 3, 1, 2]).</summary>
        public static bool MakesInputChannelsLast(OnnxNode node) => node.OpType == "Transpose" && Is(Perm(node), 0, 3, 1, 2);

        public override void Infer(OnnxNode node, OnnxValueTable values)
        {
            OnnxValue input = Input(node, values);
            List<long> perm = Perm(node);
            OnnxLayout layout;
            if (Is(perm, 0, 3, 1, 2) && input.Layout == OnnxLayout.ChannelsLast) layout = OnnxLayout.ChannelsFirst;
            else if (Is(perm, 0, 2, 3, 1) && input.Layout == OnnxLayout.ChannelsFirst) layout = OnnxLayout.ChannelsLast;
            else
                throw OnnxProblems.Node(node.Proto, "has perm " + OnnxValueTable.Ints(perm) + " on " + input.Text,
                    "ModelGen imports Transpose only between NCHW and NHWC (perm [0, 3, 1, 2] or [0, 2, 3, 1])");
            Set(node, values, input.Shape!.Value, layout);
        }

        public override void Convert(OnnxNode node, OnnxConversion conversion) => conversion.Advance(node);
    }
}
