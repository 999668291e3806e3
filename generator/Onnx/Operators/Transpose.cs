using System.Collections.Generic;
using ModelGen.Generator.Onnx.Graph;
using static ModelGen.Generator.Onnx.Operators.OnnxOperatorHelpers;

namespace ModelGen.Generator.Onnx.Operators
{
    /// <summary>
    /// Transpose of an integer tensor (F.pad's pads), evaluated; or of data, between NCHW and NHWC: only how ONNX lays the image out changes (ModelGen's buffer is channels-last
    /// either way), so no layer. A Transpose to NCHW right on a 4-D input makes that input NHWC (ModelGen's own
    /// exports, tf2onnx's Keras models); the mapper decides that when it reads the input (<see cref="MakesInputChannelsLast"/>).
    /// </summary>
    internal sealed class TransposeOperator : OnnxOperator
    {
        private static bool Is(List<long> perm, long a, long b, long c, long d) =>
            perm.Count == 4 && perm[0] == a && perm[1] == b && perm[2] == c && perm[3] == d;

        private static List<long> Perm(OnnxNode node) => new List<long>(node.Attribute("perm")?.Ints ?? new List<long>());

        /// <summary>Whether the node turns an NHWC tensor into NCHW (perm [0, 3, 1, 2]).</summary>
        public static bool MakesInputChannelsLast(OnnxNode node) => node.OpType == "Transpose" && Is(Perm(node), 0, 3, 1, 2);

        /// <summary>The input may be data or an integer tensor (F.pad's pads): <see cref="Infer"/> tells them apart.</summary>
        public override IEnumerable<string> DataInputs(OnnxNode node) => System.Array.Empty<string>();

        public override bool IsConstant(OnnxNode node, OnnxValueTable values) => Output(node, values) is { Integers: not null };

        public override void Infer(OnnxNode node, OnnxValueTable values)
        {
            if (node.Inputs.Count == 0 || node.Inputs[0].Length == 0) return;
            if (!values[node.Inputs[0]].IsData)
            {
                IntegerOperator.InferIntegers(node, values, TransposeIntegers);
                return;
            }
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

        public override void Convert(OnnxNode node, OnnxConversion conversion)
        {
            if (node.Inputs.Count == 0 || conversion.TensorOrNull(node.Inputs[0]) is null) IntegerOperator.Refuse(node, conversion);
            conversion.Advance(node);
        }

        /// <summary>An integer tensor transposed by perm (reversed dims without one).</summary>
        private static IntegerTensor? TransposeIntegers(OnnxNode node, List<IntegerTensor> inputs)
        {
            IntegerTensor data = inputs[0];
            int rank = data.Dims.Length;
            List<long> perm = Perm(node);
            if (perm.Count == 0) for (int i = rank - 1; i >= 0; i--) perm.Add(i);
            if (perm.Count != rank) return null;
            var seen = new bool[rank];
            var dims = new long[rank];
            for (int i = 0; i < rank; i++)
            {
                if (perm[i] < 0 || perm[i] >= rank || seen[perm[i]]) return null;
                seen[perm[i]] = true;
                dims[i] = data.Dims[perm[i]];
            }
            // Strides of the input, then each output element's input offset.
            var strides = new long[rank];
            long stride = 1;
            for (int a = rank - 1; a >= 0; a--) { strides[a] = stride; stride *= data.Dims[a]; }
            var values = new long[data.Values.Length];
            var index = new long[rank];
            for (int o = 0; o < values.Length; o++)
            {
                long offset = 0;
                for (int a = 0; a < rank; a++) offset += index[a] * strides[perm[a]];
                values[o] = data.Values[offset];
                for (int a = rank - 1; a >= 0; a--)
                {
                    if (++index[a] < dims[a]) break;
                    index[a] = 0;
                }
            }
            return new IntegerTensor(values, dims);
        }
    }
}
