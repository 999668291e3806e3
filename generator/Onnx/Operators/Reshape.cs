using ModelGen.Generator.Model;
using ModelGen.Generator.Onnx.Graph;
using static ModelGen.Generator.Onnx.Operators.OnnxOperatorHelpers;

namespace ModelGen.Generator.Onnx.Operators
{
    /// <summary>Reshape of data to [N, -1] (or [-1, size]): a flatten, its target a constant or computed from the input's shape; of an integer tensor, evaluated.</summary>
    internal sealed class ReshapeOperator : OnnxOperator
    {
        /// <summary>The input may be data or an integer tensor (F.pad's pads): <see cref="Infer"/> tells them apart.</summary>
        public override System.Collections.Generic.IEnumerable<string> DataInputs(OnnxNode node) => System.Array.Empty<string>();

        public override bool IsConstant(OnnxNode node, OnnxValueTable values) => Output(node, values) is { Integers: not null };

        public override void Infer(OnnxNode node, OnnxValueTable values)
        {
            if (node.Inputs.Count == 0 || node.Inputs[0].Length == 0) return;
            if (!values[node.Inputs[0]].IsData)
            {
                IntegerOperator.InferIntegers(node, values, ReshapeIntegers);
                return;
            }
            OnnxValue input = Input(node, values);
            long[]? target = node.Inputs.Count > 1 ? values.Integers(node.Inputs[1]) : null;
            if (target is null)
                throw OnnxProblems.Node(node.Proto, "reshapes to a shape that is not a constant or computed from the input's shape",
                    "ModelGen imports Reshape to [N, -1] from a Constant, an initializer or PyTorch's x.view(x.size(0), -1)");
            long size = input.Shape!.Value.Size;
            bool batchFirst = target.Length == 2 && (target[0] == OnnxTensors.Batch || target[0] == 0 || target[0] == -1) &&
                              (target[1] == -1 || target[1] == size);
            bool batchInferred = target.Length == 2 && target[0] == -1 && target[1] == size;
            if (!batchFirst && !batchInferred)
                throw OnnxProblems.Node(node.Proto, "reshapes " + input.Text + " to " + OnnxTensors.Text(target),
                    "ModelGen imports Reshape only as a flatten, to [N, -1] or [-1, " + Format.Long(size) + "]");
            FlattenOperator.InferFlatten(node, values);
        }

        public override void Convert(OnnxNode node, OnnxConversion conversion)
        {
            if (node.Inputs.Count == 0 || conversion.TensorOrNull(node.Inputs[0]) is null) IntegerOperator.Refuse(node, conversion);
            FlattenOperator.ConvertFlatten(node, conversion);
        }

        /// <summary>An integer tensor with new dims (0 keeps a dim, one −1 takes what is left; allowzero not supported).</summary>
        private static IntegerTensor? ReshapeIntegers(OnnxNode node, System.Collections.Generic.List<IntegerTensor> inputs)
        {
            if (inputs.Count < 2 || (node.Attribute("allowzero")?.I ?? 0) != 0) return null;
            IntegerTensor data = inputs[0];
            long[] shape = inputs[1].Values;
            var dims = new long[shape.Length];
            int inferred = -1;
            long known = 1;
            for (int i = 0; i < shape.Length; i++)
            {
                long dim = shape[i] == 0 && i < data.Dims.Length ? data.Dims[i] : shape[i];
                if (dim == -1)
                {
                    if (inferred >= 0) return null;
                    inferred = i;
                    continue;
                }
                if (dim < 0) return null;
                dims[i] = dim;
                known *= dim;
            }
            long count = data.Values.Length;
            if (inferred >= 0)
            {
                if (known == 0 || count % known != 0) return null;
                dims[inferred] = count / known;
            }
            else if (known != count) return null;
            return new IntegerTensor(data.Values, dims);
        }
    }
}
