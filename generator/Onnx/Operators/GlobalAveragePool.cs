using ModelGen.Generator.Layers;
using ModelGen.Generator.Model;
using ModelGen.Generator.Onnx.Graph;
using static ModelGen.Generator.Onnx.Operators.OnnxOperatorHelpers;

namespace ModelGen.Generator.Onnx.Operators
{
    /// <summary>
    /// GlobalAveragePool of a channels-first image → GlobalAveragePooling2D, whose output is flat [C]: ONNX's
    /// [N, C, 1, 1] holds the same values in the same order, so the Flatten that usually follows does nothing.
    /// </summary>
    internal sealed class GlobalAveragePoolOperator : OnnxOperator
    {
        public override void Infer(OnnxNode node, OnnxValueTable values)
        {
            OnnxValue input = Input(node, values);
            RequireChannelsFirst(node, input);
            SetPooled(node, values, input);
        }

        /// <summary>The output of a global average pooling of <paramref name="input"/>: [N, C] (also what [N, C, 1, 1] holds).</summary>
        public static void SetPooled(OnnxNode node, OnnxValueTable values, OnnxValue input) =>
            Set(node, values, Shape.Flat(input.Shape!.Value.Channels), OnnxLayout.Flat);

        public override void Convert(OnnxNode node, OnnxConversion conversion) => AddPooling(node, conversion);

        /// <summary>Appends the GlobalAveragePooling2D layer of the node's image.</summary>
        public static void AddPooling(OnnxNode node, OnnxConversion conversion)
        {
            Shape shape = conversion.Values[node.Inputs[0]].Shape!.Value;
            conversion.Add(new GlobalAveragePooling2DSpec(conversion.LayerNameOfNode(GlobalAveragePooling2DLayer.Instance, node), shape, Shape.Flat(shape.Channels)));
            conversion.Advance(node);
        }
    }
}
