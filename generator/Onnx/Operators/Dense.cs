using ModelGen.Generator.Layers;
using ModelGen.Generator.Model;
using ModelGen.Generator.Onnx.Graph;

namespace ModelGen.Generator.Onnx.Operators
{
    /// <summary>ModelGen's Dense layer from a Gemm or a MatMul (with the Add of its bias): the weights in ModelGen's layout.</summary>
    internal static class Dense
    {
        private static readonly ActivationSpec Identity = new ActivationSpec(ActivationKind.Identity, 0f);

        /// <summary>The check of a layer's size that the weights' dims allow.</summary>
        public static void CheckSize(OnnxNode node, OnnxValueTable values, int inputs, long units)
        {
            if ((long)inputs * units > Emitting.ModelEmitter.MaxArrayLength)
                throw OnnxWeights.TensorShape(node.Proto, OnnxWeights.Initializer(node, 1, values), "a size that fits one array");
        }

        /// <summary>Appends the Dense layer: W [inputs, units] with rows in (h, w, c) order after a flatten, then b.</summary>
        public static void Add(OnnxNode node, OnnxConversion conversion, string weightName, float[] onnxWeights, bool transposed, int units, float[]? biases)
        {
            OnnxValue input = conversion.Values[node.Inputs[0]];
            Shape shape = input.Shape!.Value;
            int inputs = (int)shape.Size;
            var w = new float[(long)inputs * units];
            Shape? image = input.FlattenedImage;
            bool permute = image is { } im && input.FlattenedChannelsFirst && im.Channels > 1;
            for (int row = 0; row < inputs; row++)
            {
                int onnxRow = permute ? ChannelsFirstIndex(row, image!.Value) : row;
                for (int u = 0; u < units; u++)
                    w[(long)row * units + u] = transposed ? onnxWeights[(long)u * inputs + onnxRow] : onnxWeights[(long)onnxRow * units + u];
            }
            string name = conversion.LayerName(DenseLayer.Instance, weightName);
            // Without biases (a Gemm without C, a MatMul without an Add) the layer has none, as in PyTorch: its b stays 0,
            // untrained and unsaved.
            conversion.Add(
                new DenseSpec(name, shape, Shape.Flat(units), node.Activation ?? Identity, input.FlattenedImage,
                    OnnxConversion.SavedName(weightName, name, transposed), HasBias: biases is not null),
                w, biases ?? new float[units]);
        }

        /// <summary>Where ONNX's flattened channels-first tensor holds the value that ModelGen's (h, w, c) order has at <paramref name="index"/>.</summary>
        private static int ChannelsFirstIndex(int index, Shape image)
        {
            int c = index % image.Channels, pixel = index / image.Channels;
            int h = pixel / image.Width, w = pixel % image.Width;
            return (c * image.Height + h) * image.Width + w;
        }
    }
}
