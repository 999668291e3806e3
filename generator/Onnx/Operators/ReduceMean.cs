using System.Collections.Generic;
using System.Linq;
using ModelGen.Generator.Onnx.Graph;
using static ModelGen.Generator.Onnx.Operators.OnnxOperatorHelpers;

namespace ModelGen.Generator.Onnx.Operators
{
    /// <summary>
    /// ReduceMean over an image's height and width (PyTorch's x.mean([2, 3]): axes [2, 3] of NCHW; [1, 2] of NHWC) →
    /// GlobalAveragePooling2D. With keepdims 0 the output is [N, C]; with keepdims 1 it is [N, C, 1, 1], which holds the
    /// same values in the same order (a Flatten after it does nothing).
    /// </summary>
    internal sealed class ReduceMeanOperator : OnnxOperator
    {
        public override void Infer(OnnxNode node, OnnxValueTable values)
        {
            OnnxValue input = Input(node, values);
            const string Supported = "ModelGen imports ReduceMean over the height and width of an image (axes [2, 3] of NCHW, [1, 2] of NHWC), a global average pooling";
            long keepDims = node.Attribute("keepdims")?.I ?? 1;
            if (keepDims != 0 && keepDims != 1) throw OnnxProblems.Node(node.Proto, "has keepdims " + Model.Format.Long(keepDims), "keepdims is 0 or 1");
            // Opset 18 moved the axes from an attribute to the second input.
            List<long>? axes = node.Attribute("axes")?.Ints;
            if (node.Inputs.Count > 1 && node.Inputs[1].Length > 0)
            {
                long[]? known = values.Integers(node.Inputs[1]);
                if (known is null) throw OnnxProblems.Node(node.Proto, "reduces axes that are not a constant", Supported);
                axes = known.ToList();
            }
            if (axes is null || axes.Count == 0)
                throw OnnxProblems.Node(node.Proto, "reduces every axis of " + input.Text, Supported);
            if (input.Layout == OnnxLayout.Flat || !input.Shape!.Value.IsImage)
                throw OnnxProblems.Node(node.Proto, "reduces axes " + OnnxValueTable.Ints(axes) + " of " + input.Text, Supported);
            var normalized = new SortedSet<long>(axes.Select(a => a < 0 ? a + 4 : a));
            bool spatial = input.Layout == OnnxLayout.ChannelsFirst
                ? normalized.SetEquals(new long[] { 2, 3 })
                : normalized.SetEquals(new long[] { 1, 2 });
            if (!spatial || normalized.Count != axes.Count)
                throw OnnxProblems.Node(node.Proto, "reduces axes " + OnnxValueTable.Ints(axes) + " of " + input.Text, Supported);
            GlobalAveragePoolOperator.SetPooled(node, values, input);
        }

        public override void Convert(OnnxNode node, OnnxConversion conversion) => GlobalAveragePoolOperator.AddPooling(node, conversion);
    }
}
