using System.Globalization;
using ModelGen.Generator.Layers;
using ModelGen.Generator.Model;
using ModelGen.Generator.Onnx.Graph;
using static ModelGen.Generator.Onnx.Operators.OnnxOperatorHelpers;

namespace ModelGen.Generator.Onnx.Operators
{
    /// <summary>
    /// Conv (2-D) → Conv2D with group 1: W [F, C, kh, kw] becomes ModelGen's [kh, kw, C, F]; → DepthwiseConv2D with group
    /// C (PyTorch's Conv2d(C, C·M, groups=C)): W [C·M, 1, kh, kw] becomes [kh, kw, C, M]. Pad nodes right before it fold
    /// into its pads (<see cref="OnnxPasses.FoldPads"/>).
    /// </summary>
    internal sealed class ConvOperator : OnnxOperator
    {
        private static readonly ActivationSpec Identity = new ActivationSpec(ActivationKind.Identity, 0f);

        public override void Infer(OnnxNode node, OnnxValueTable values)
        {
            OnnxValue input = Input(node, values);
            RequireChannelsFirst(node, input);
            if (node.Inputs.Count < 2) throw OnnxProblems.Node(node.Proto, "has no weight input", "Conv reads X, W and optionally B");
            OnnxTensorProto weights = OnnxWeights.Initializer(node, 1, values);
            Shape shape = input.Shape!.Value;
            int channels = shape.Channels;
            long group = node.Attribute("group")?.I ?? 1;
            bool depthwise = group != 1 && group == channels;
            if (group != 1 && !depthwise) throw GroupProblem(node, group, channels);
            long perGroup = depthwise ? 1 : channels;
            if (weights.Dims.Count != 4 || weights.Dims[1] != perGroup || weights.Dims[0] < 1 || weights.Dims[2] < 1 || weights.Dims[3] < 1 ||
                weights.Dims[0] > int.MaxValue || weights.Dims[2] > int.MaxValue || weights.Dims[3] > int.MaxValue || (depthwise && weights.Dims[0] % channels != 0))
            {
                throw OnnxWeights.TensorShape(node.Proto, weights, depthwise
                    ? "[" + Format.Int(channels) + "·multiplier, 1, kh, kw] for its input " + input.Text + " with group " + Format.Int(channels)
                    : "[filters, " + Format.Int(channels) + ", kh, kw] for its input " + input.Text);
            }
            int filters = (int)weights.Dims[0], kh = (int)weights.Dims[2], kw = (int)weights.Dims[3];
            OnnxWindows.CheckKernelShape(node, kh, kw);
            Window window = OnnxWindows.Of(node, input, kh, kw);
            var output = Shape.Image(window.OutputHeight, window.OutputWidth, filters);
            OnnxConversion.CheckSize(output, "the output of " + node.Display);
            if (!depthwise && (long)window.OutputHeight * window.OutputWidth * kh * kw * channels > Emitting.ModelEmitter.MaxArrayLength)
                throw OnnxProblems.Graph("has a patch matrix too large for one array at " + node.Display, "a sample's tensors must fit one array");
            Set(node, values, output, OnnxLayout.ChannelsFirst);
        }

        private static OnnxImportException GroupProblem(OnnxNode node, long group, int channels) =>
            OnnxProblems.Node(node.Proto, "has group " + group.ToString(CultureInfo.InvariantCulture) + " for its input of " + Format.Int(channels) + " channels",
                "ModelGen imports Conv with group 1, or with group equal to its input's channels (a depthwise convolution); not other grouped convolutions");

        public override void Convert(OnnxNode node, OnnxConversion conversion)
        {
            // With Pad nodes folded in, the layer reads the image before them and pads it itself.
            OnnxValue input = conversion.Values[node.PadInput ?? node.Inputs[0]];
            Shape shape = input.Shape!.Value;
            OnnxTensorProto weights = OnnxWeights.Initializer(node, 1, conversion.Values);
            int channels = shape.Channels, filters = (int)weights.Dims[0], kh = (int)weights.Dims[2], kw = (int)weights.Dims[3];
            bool depthwise = (node.Attribute("group")?.I ?? 1) != 1;
            Window window = OnnxWindows.Of(node, input, kh, kw, node.FoldedPads);
            float[] onnxWeights = OnnxWeights.Values(node.Proto, weights);
            float[]? biases = node.Inputs.Count > 2 && node.Inputs[2].Length > 0
                ? OnnxWeights.Biases(node.Proto, node.Inputs[2], conversion.Values.Constant(node.Inputs[2]), filters)
                : null;
            var output = Shape.Image(window.OutputHeight, window.OutputWidth, filters);
            ActivationSpec activation = node.Activation ?? Identity;

            if (depthwise)
            {
                // ONNX's W [C·M, 1, kh, kw] (output channel c·M + m reads input channel c) → ModelGen's [kh, kw, C, M].
                int multiplier = filters / channels;
                var dw = new float[(long)kh * kw * filters];
                for (int c = 0; c < channels; c++)
                    for (int m = 0; m < multiplier; m++)
                        for (int y = 0; y < kh; y++)
                            for (int x = 0; x < kw; x++)
                                dw[((long)(y * kw + x) * channels + c) * multiplier + m] = onnxWeights[((long)(c * multiplier + m) * kh + y) * kw + x];
                string dwName = conversion.LayerName(DepthwiseConv2DLayer.Instance, weights.Name, node);
                conversion.Add(
                    new DepthwiseConv2DSpec(dwName, shape, output, window, activation, multiplier, HasBias: biases is not null,
                        SavedName: OnnxConversion.SavedName(weights.Name, dwName, pyTorchLayout: true)),
                    dw, biases ?? new float[filters]);
                conversion.Advance(node);
                return;
            }

            // ONNX's W [F, C, kh, kw] → ModelGen's [kh, kw, C, F].
            var w = new float[(long)kh * kw * channels * filters];
            for (int f = 0; f < filters; f++)
                for (int c = 0; c < channels; c++)
                    for (int y = 0; y < kh; y++)
                        for (int x = 0; x < kw; x++)
                            w[((long)(y * kw + x) * channels + c) * filters + f] = onnxWeights[(((long)f * channels + c) * kh + y) * kw + x];
            string name = conversion.LayerName(Conv2DLayer.Instance, weights.Name, node);
            // A Conv without B (nn.Conv2d(bias=False)) has no bias, as in PyTorch: its b stays 0, untrained and unsaved.
            conversion.Add(
                new Conv2DSpec(name, shape, output, window, activation,
                    OnnxConversion.SavedName(weights.Name, name, pyTorchLayout: true), HasBias: biases is not null),
                w, biases ?? new float[filters]);
            conversion.Advance(node);
        }
    }
}
