using ModelGen.Generator.Layers;
using ModelGen.Generator.Model;
using ModelGen.Generator.Onnx.Graph;
using static ModelGen.Generator.Onnx.Operators.OnnxOperatorHelpers;

namespace ModelGen.Generator.Onnx.Operators
{
    /// <summary>
    /// AveragePool (2-D, ceil_mode 0; kernel, strides, pads or auto_pad; count_include_pad) → AveragePooling2D. The
    /// Pad nodes right before it fold into its pads (<see cref="OnnxPasses.FoldPads"/>): their zeros count in the average,
    /// as PyTorch's AvgPool2d(count_include_pad=True) exports them.
    /// </summary>
    internal sealed class AveragePoolOperator : OnnxOperator
    {
        public override void Infer(OnnxNode node, OnnxValueTable values)
        {
            OnnxValue input = Input(node, values);
            RequireChannelsFirst(node, input);
            Window window = WindowOf(node, input, null);
            Set(node, values, Shape.Image(window.OutputHeight, window.OutputWidth, input.Shape!.Value.Channels), OnnxLayout.ChannelsFirst);
        }

        private static Window WindowOf(OnnxNode node, OnnxValue input, long[]? foldedPads)
        {
            OnnxAttributeProto? kernel = node.Attribute("kernel_shape");
            if (kernel is null || kernel.Ints.Count != 2 || kernel.Ints[0] < 1 || kernel.Ints[1] < 1 || kernel.Ints[0] > 4096 || kernel.Ints[1] > 4096)
                throw OnnxProblems.Node(node.Proto, "has kernel_shape " + OnnxValueTable.Ints(kernel?.Ints), "ModelGen imports 2-D AveragePool (two positive kernel dims)");
            if ((node.Attribute("ceil_mode")?.I ?? 0) != 0) throw OnnxProblems.Node(node.Proto, "has ceil_mode 1", "ModelGen imports AveragePool with ceil_mode 0");
            long include = node.Attribute("count_include_pad")?.I ?? 0;
            if (include != 0 && include != 1) throw OnnxProblems.Node(node.Proto, "has count_include_pad " + Format.Long(include), "count_include_pad is 0 or 1");
            return OnnxWindows.Of(node, input, (int)kernel.Ints[0], (int)kernel.Ints[1], foldedPads);
        }

        public override void Convert(OnnxNode node, OnnxConversion conversion)
        {
            OnnxValue input = conversion.Values[node.PadInput ?? node.Inputs[0]];
            Window window = WindowOf(node, input, node.FoldedPads);
            Shape shape = input.Shape!.Value;
            // A Pad's zeros are values of the image the pooling sees: they count.
            bool countIncludePad = (node.Attribute("count_include_pad")?.I ?? 0) == 1 || (node.FoldedPads is { } pads && System.Array.Exists(pads, p => p != 0));
            conversion.Add(new AveragePooling2DSpec(conversion.LayerNameOfNode(AveragePooling2DLayer.Instance, node), shape,
                Shape.Image(window.OutputHeight, window.OutputWidth, shape.Channels), window, countIncludePad && window.Padding != PaddingKind.Valid));
            conversion.Advance(node);
        }
    }
}
