using System;
using ModelGen.Generator.Model;
using ModelGen.Generator.Onnx.Graph;
using static ModelGen.Generator.Onnx.Operators.OnnxOperatorHelpers;

namespace ModelGen.Generator.Onnx.Operators
{
    /// <summary>
    /// Pad with zeros on an image's height and width (mode constant, pads known before run time: a constant, or
    /// computed as F.pad writes them): <see cref="OnnxPasses.FoldPads"/> folds it into the AveragePool or Conv right
    /// after it, as their padding; a Pad of nothing is no node at all; any other Pad is refused.
    /// </summary>
    internal sealed class PadOperator : OnnxOperator
    {
        private const string Supported = "ModelGen imports Pad of zeros on the height and width of an image (pads [0, 0, top, left, 0, 0, bottom, right], none negative)";

        public override void Infer(OnnxNode node, OnnxValueTable values)
        {
            OnnxValue input = Input(node, values);
            string mode = node.Attribute("mode") is { } m ? System.Text.Encoding.UTF8.GetString(m.S) : "constant";
            if (mode != "constant") throw OnnxProblems.Node(node.Proto, "has mode " + mode, "ModelGen imports Pad with mode constant (zeros)");
            // Opset 11 moved pads and the value from attributes to inputs; opset 18 added axes.
            long[]? pads = node.Inputs.Count > 1 && node.Inputs[1].Length > 0 ? values.Integers(node.Inputs[1]) : node.Attribute("pads")?.Ints.ToArray();
            if (pads is null) throw OnnxProblems.Node(node.Proto, "has pads that are not known before run time", Supported + ", from a constant or computed from constants");
            if (node.Inputs.Count > 3 && node.Inputs[3].Length > 0)
                throw OnnxProblems.Node(node.Proto, "has axes", Supported + "; without an axes input");
            float value = node.Attribute("value")?.F ?? 0f;
            if (node.Inputs.Count > 2 && node.Inputs[2].Length > 0)
            {
                float[]? constant = values.Constant(node.Inputs[2]) is { } tensor ? OnnxTensors.Floats(tensor) : null;
                if (constant is not { Length: 1 }) throw OnnxProblems.Node(node.Proto, "pads with a value that is not a float constant", Supported);
                value = constant[0];
            }
            if (value != 0f) throw OnnxProblems.Node(node.Proto, "pads with " + Format.Float(value), "ModelGen imports Pad with zeros (constant_value 0)");
            RequireChannelsFirst(node, input);
            if (pads.Length != 8 || pads[0] != 0 || pads[1] != 0 || pads[4] != 0 || pads[5] != 0 ||
                Array.Exists(pads, p => p < 0 || p > 4096))
                throw OnnxProblems.Node(node.Proto, "has pads " + OnnxTensors.Text(pads) + " for " + input.Text, Supported);
            node.Pads = new[] { pads[2], pads[3], pads[6], pads[7] };
            Shape shape = input.Shape!.Value;
            Shape output = OnnxConversion.Image(shape.Height + pads[2] + pads[6], shape.Width + pads[3] + pads[7], shape.Channels);
            OnnxConversion.CheckSize(output, "the output of " + node.Display);
            Set(node, values, output, OnnxLayout.ChannelsFirst);
        }

        public override void Convert(OnnxNode node, OnnxConversion conversion)
        {
            if (node.FoldedInto is null && Array.Exists(node.Pads!, p => p != 0))
                throw OnnxProblems.Node(node.Proto, "is not the only input of an AveragePool or Conv that can take its zeros as padding",
                    "ModelGen imports Pad as the padding of the AveragePool or Conv right after it (read by nothing else; an AveragePool with pads of its own must have count_include_pad 1)");
            // Folded (the pooling or convolution reads the image before it), or no padding at all: no layer.
            conversion.Advance(node);
        }
    }
}
