using System.Globalization;
using ModelGen.Generator.Layers;
using ModelGen.Generator.Model;
using ModelGen.Generator.Onnx.Graph;
using static ModelGen.Generator.Onnx.Operators.OnnxOperatorHelpers;

namespace ModelGen.Generator.Onnx.Operators
{
    /// <summary>Flatten (axis 1) → Flatten of an image; of a tensor that is flat already, nothing (<see cref="OnnxPasses.RemovePassThroughs"/>).</summary>
    internal sealed class FlattenOperator : OnnxOperator
    {
        public override void Infer(OnnxNode node, OnnxValueTable values)
        {
            long axis = node.Attribute("axis")?.I ?? 1;
            if (axis != 1) throw OnnxProblems.Node(node.Proto, "has axis " + axis.ToString(CultureInfo.InvariantCulture), "ModelGen imports Flatten with axis 1 (each sample becomes a row)");
            InferFlatten(node, values);
        }

        /// <summary>The output of flattening the node's input: the image's values in a row, remembering the image.</summary>
        public static void InferFlatten(OnnxNode node, OnnxValueTable values)
        {
            OnnxValue input = Input(node, values);
            if (input.Layout == OnnxLayout.Flat)
            {
                SameAsInput(node, values);
                return;
            }
            OnnxValue? output = Output(node, values);
            if (output is null) return;
            output.Shape = Shape.Flat((int)input.Shape!.Value.Size);
            output.Layout = OnnxLayout.Flat;
            output.FlattenedImage = input.Shape;
            output.FlattenedChannelsFirst = input.Layout == OnnxLayout.ChannelsFirst;
        }

        public static void ConvertFlatten(OnnxNode node, OnnxConversion conversion)
        {
            OnnxValue input = conversion.Values[node.Inputs[0]];
            if (input.Layout != OnnxLayout.Flat)
            {
                Shape shape = input.Shape!.Value;
                conversion.Add(new FlattenSpec(conversion.LayerName(FlattenLayer.Instance, null), shape, Shape.Flat((int)shape.Size)));
            }
            conversion.Advance(node);
        }

        public override void Convert(OnnxNode node, OnnxConversion conversion) => ConvertFlatten(node, conversion);
    }
}
