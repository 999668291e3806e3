using System.Globalization;
using ModelGen.Generator.Layers;
using ModelGen.Generator.Model;
using ModelGen.Generator.Onnx.Graph;
using static ModelGen.Generator.Onnx.Operators.OnnxOperatorHelpers;

namespace ModelGen.Generator.Onnx.Operators
{
    /// <summary>Conv (2-D, group 1) → Conv2D: W [F, C, kh, kw] becomes ModelGen's [kh, kw, C, F].</summary>
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
            if (weights.Dims.Count != 4 || weights.Dims[1] != channels || weights.Dims[0] < 1 || weights.Dims[2] < 1 || weights.Dims[3] < 1 ||
                weights.Dims[0] > int.MaxValue || weights.Dims[2] > int.MaxValue || weights.Dims[3] > int.MaxValue)
            {
                long group = node.Attribute("group")?.I ?? 1;
                if (group != 1) throw GroupProblem(node, group);
                throw OnnxWeights.TensorShape(node.Proto, weights, "[filters, " + Format.Int(channels) + ", kh, kw] for its input " + input.Text);
            }
            int filters = (int)weights.Dims[0], kh = (int)weights.Dims[2], kw = (int)weights.Dims[3];
            if ((node.Attribute("group")?.I ?? 1) != 1) throw GroupProblem(node, node.Attribute("group")!.I);
            OnnxWindows.CheckKernelShape(node, kh, kw);
            Window window = OnnxWindows.Of(node, input, kh, kw);
            var output = Shape.Image(window.OutputHeight, window.OutputWidth, filters);
            OnnxConversion.CheckSize(output, "the output of " + node.Display);
            if ((long)window.OutputHeight * window.OutputWidth * kh * kw * channels > Emitting.ModelEmitter.MaxArrayLength)
                throw OnnxProblems.Graph("has a patch matrix too large for one array at " + node.Display, "a sample's tensors must fit one array");
            Set(node, values, output, OnnxLayout.ChannelsFirst);
        }

        private static OnnxImportException GroupProblem(OnnxNode node, long group) =>
            OnnxProblems.Node(node.Proto, "has group " + group.ToString(CultureInfo.InvariantCulture), "ModelGen imports Conv with group 1 (no grouped or depthwise convolution)");

        public override void Convert(OnnxNode node, OnnxConversion conversion)
        {
            OnnxValue input = conversion.Values[node.Inputs[0]];
            Shape shape = input.Shape!.Value;
            OnnxTensorProto weights = OnnxWeights.Initializer(node, 1, conversion.Values);
            int channels = shape.Channels, filters = (int)weights.Dims[0], kh = (int)weights.Dims[2], kw = (int)weights.Dims[3];
            Window window = OnnxWindows.Of(node, input, kh, kw);
            float[] onnxWeights = OnnxWeights.Values(node.Proto, weights);
            float[]? biases = node.Inputs.Count > 2 && node.Inputs[2].Length > 0
                ? OnnxWeights.Biases(node.Proto, node.Inputs[2], conversion.Values.Constant(node.Inputs[2]), filters)
                : null;

            // ONNX's W [F, C, kh, kw] → ModelGen's [kh, kw, C, F].
            var w = new float[(long)kh * kw * channels * filters];
            for (int f = 0; f < filters; f++)
                for (int c = 0; c < channels; c++)
                    for (int y = 0; y < kh; y++)
                        for (int x = 0; x < kw; x++)
                            w[((long)(y * kw + x) * channels + c) * filters + f] = onnxWeights[(((long)f * channels + c) * kh + y) * kw + x];
            string name = conversion.LayerName(Conv2DLayer.Instance, weights.Name);
            // A Conv without B (nn.Conv2d(bias=False)) has no bias, as in PyTorch: its b stays 0, untrained and unsaved.
            conversion.Add(
                new Conv2DSpec(name, shape, Shape.Image(window.OutputHeight, window.OutputWidth, filters), window, node.Activation ?? Identity,
                    OnnxConversion.SavedName(weights.Name, name, pyTorchLayout: true), HasBias: biases is not null),
                w, biases ?? new float[filters]);
            conversion.Advance(node);
        }
    }
}
