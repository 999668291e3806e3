using ModelGen.Generator.Layers;
using ModelGen.Generator.Model;
using ModelGen.Generator.Onnx.Graph;
using static ModelGen.Generator.Onnx.Operators.OnnxOperatorHelpers;

namespace ModelGen.Generator.Onnx.Operators
{
    /// <summary>MaxPool (2-D, ceil_mode 0, no padding or Keras' 'same') → MaxPool2D.</summary>
    internal sealed class MaxPoolOperator : OnnxOperator
    {
        public override void Infer(OnnxNode node, OnnxValueTable values)
        {
            OnnxValue input = Input(node, values);
            RequireChannelsFirst(node, input);
            Window window = WindowOf(node, input);
            Set(node, values, Shape.Image(window.OutputHeight, window.OutputWidth, input.Shape!.Value.Channels), OnnxLayout.ChannelsFirst);
        }

        private static Window WindowOf(OnnxNode node, OnnxValue input)
        {
            Shape shape = input.Shape!.Value;
            OnnxAttributeProto? kernel = node.Attribute("kernel_shape");
            if (kernel is null || kernel.Ints.Count != 2 || kernel.Ints[0] < 1 || kernel.Ints[1] < 1 || kernel.Ints[0] > shape.Height || kernel.Ints[1] > shape.Width)
                throw OnnxProblems.Node(node.Proto, "has kernel_shape " + OnnxValueTable.Ints(kernel?.Ints) + " for its input " + input.Text, "ModelGen imports 2-D MaxPool with a kernel that fits the image");
            if ((node.Attribute("ceil_mode")?.I ?? 0) != 0) throw OnnxProblems.Node(node.Proto, "has ceil_mode 1", "ModelGen imports MaxPool with ceil_mode 0");
            if ((node.Attribute("storage_order")?.I ?? 0) != 0) throw OnnxProblems.Node(node.Proto, "has storage_order 1", "ModelGen imports MaxPool with storage_order 0");
            Window window = OnnxWindows.Of(node, input, (int)kernel.Ints[0], (int)kernel.Ints[1]);
            if (window.Padding == PaddingKind.Explicit)
                throw OnnxProblems.Node(node.Proto, "has pads " + OnnxValueTable.Ints(node.Attribute("pads")?.Ints), "ModelGen imports MaxPool without padding (pads 0), or with exactly Keras' 'same' padding");
            return window;
        }

        public override void Convert(OnnxNode node, OnnxConversion conversion)
        {
            OnnxValue input = conversion.Values[node.Inputs[0]];
            Window window = WindowOf(node, input);
            Shape shape = input.Shape!.Value;
            conversion.Add(new MaxPool2DSpec(conversion.LayerName(MaxPool2DLayer.Instance, null), shape,
                Shape.Image(window.OutputHeight, window.OutputWidth, shape.Channels), window));
            conversion.Advance(node);
        }
    }
}
