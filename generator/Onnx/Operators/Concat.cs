using System.Collections.Generic;
using System.Globalization;
using ModelGen.Generator.Layers;
using ModelGen.Generator.Model;
using ModelGen.Generator.Onnx.Graph;

namespace ModelGen.Generator.Onnx.Operators
{
    /// <summary>
    /// Concat of data along the channels (axis 1 of NCHW, 3 of NHWC) or the features of [N, F] → Concatenate (an
    /// Inception-style join of branches); of integer vectors (e.g. [N] and [-1] into a reshape's target [N, -1]),
    /// evaluated.
    /// </summary>
    internal sealed class ConcatOperator : IntegerOperator
    {
        private const string Supported = "ModelGen imports Concat of images along their channels (axis 1 of NCHW, 3 of NHWC) " +
            "and of [N, features] along the features (axis 1)";

        protected override long[]? Evaluate(OnnxNode node, List<long[]> inputs)
        {
            var all = new List<long>();
            foreach (long[] part in inputs) all.AddRange(part);
            return all.ToArray();
        }

        private static bool ReadsData(OnnxNode node, OnnxValueTable values) => node.Inputs.Exists(i => i.Length > 0 && values[i].IsData);

        public override bool IsConstant(OnnxNode node, OnnxValueTable values) => !ReadsData(node, values) && base.IsConstant(node, values);

        public override void Infer(OnnxNode node, OnnxValueTable values)
        {
            if (!ReadsData(node, values))
            {
                base.Infer(node, values);
                return;
            }
            var inputs = new List<OnnxValue>();
            foreach (string input in node.Inputs)
            {
                if (input.Length == 0 || !values[input].IsData)
                    throw OnnxProblems.Node(node.Proto, "concatenates data with '" + input + "', which is not computed from the graph's input", Supported);
                inputs.Add(values[input]);
            }
            OnnxValue first = inputs[0];
            Shape shape = first.Shape!.Value;
            long axis = node.Attribute("axis")?.I ?? long.MinValue;
            int rank = first.Layout == OnnxLayout.Flat ? 2 : 4;
            long normalized = axis < 0 ? axis + rank : axis;
            long channelsAxis = first.Layout switch { OnnxLayout.Flat => 1, OnnxLayout.ChannelsFirst => 1, _ => 3 };
            if (normalized != channelsAxis)
                throw OnnxProblems.Node(node.Proto, axis == long.MinValue ? "has no axis" : "concatenates along axis " + axis.ToString(CultureInfo.InvariantCulture) + " of " + first.Text, Supported);
            long channels = 0;
            foreach (OnnxValue input in inputs)
            {
                Shape other = input.Shape!.Value;
                if (input.Layout != first.Layout || other.IsImage != shape.IsImage || (shape.IsImage && (other.Height != shape.Height || other.Width != shape.Width)))
                    throw OnnxProblems.Node(node.Proto, "concatenates " + first.Text + " and " + input.Text, Supported + ", of one height and width");
                if (input.FlattenedImage is { } image && input.FlattenedChannelsFirst && image.Channels > 1)
                    throw OnnxProblems.Node(node.Proto, "concatenates the flattened channels-first image " + OnnxValue.ChannelsFirstText(image),
                        "ModelGen flattens images in (h, w, c) order; concatenate the images along their channels before flattening them");
                channels += shape.IsImage ? other.Channels : other.Size;
            }
            Shape output = shape.IsImage ? Shape.Image(shape.Height, shape.Width, (int)System.Math.Min(channels, int.MaxValue)) : Shape.Flat((int)System.Math.Min(channels, int.MaxValue));
            if (channels > int.MaxValue) OnnxConversion.CheckSize(Shape.Flat(int.MaxValue), "the output of " + node.Display);
            OnnxConversion.CheckSize(output, "the output of " + node.Display);
            OnnxOperatorHelpers.Set(node, values, output, first.Layout);
        }

        public override void Convert(OnnxNode node, OnnxConversion conversion)
        {
            if (!ReadsData(node, conversion.Values))
            {
                base.Convert(node, conversion);
                return;
            }
            if (OnnxOperatorHelpers.Output(node, conversion.Values) is null || node.Inputs.Count == 1)
            {
                conversion.Advance(node);
                return;
            }
            var tensors = new HashSet<string>(System.StringComparer.Ordinal);
            var channels = new List<int>();
            foreach (string input in node.Inputs)
            {
                if (!tensors.Add(conversion.TensorOf(input)))
                    throw OnnxProblems.Node(node.Proto, "concatenates '" + input + "' twice", "ModelGen imports Concat of different tensors");
                Shape shape = conversion.Values[input].Shape!.Value;
                channels.Add(shape.IsImage ? shape.Channels : (int)shape.Size);
            }
            Shape first = conversion.Values[node.Inputs[0]].Shape!.Value;
            Shape output = conversion.Values[node.Outputs[0]].Shape!.Value;
            conversion.Add(new ConcatenateSpec(conversion.LayerNameOfNode(ConcatenateLayer.Instance, node), first, output, new EquatableArray<int>(channels)),
                onnxInputs: node.Inputs);
            conversion.Advance(node);
        }
    }
}
