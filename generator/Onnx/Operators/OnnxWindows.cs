using System;
using ModelGen.Generator.Layers;
using ModelGen.Generator.Model;
using ModelGen.Generator.Onnx.Graph;

namespace ModelGen.Generator.Onnx.Operators
{
    /// <summary>The window of a Conv or a pooling node: kernel_shape, strides, pads, dilations and auto_pad as a ModelGen <see cref="Window"/>.</summary>
    internal static class OnnxWindows
    {
        public static void CheckKernelShape(OnnxNode node, int kh, int kw)
        {
            OnnxAttributeProto? kernel = node.Attribute("kernel_shape");
            if (kernel is not null && (kernel.Ints.Count != 2 || kernel.Ints[0] != kh || kernel.Ints[1] != kw))
                throw OnnxProblems.Node(node.Proto, "has kernel_shape " + OnnxValueTable.Ints(kernel.Ints) + " but weights of " + Format.Int(kh) + "×" + Format.Int(kw),
                    "the kernel shape must match the weights");
        }

        /// <summary>
        /// strides, pads, dilations and auto_pad of a Conv or pooling node on <paramref name="input"/>, as a ModelGen window;
        /// <paramref name="extraPads"/> [top, left, bottom, right] are the zeros of Pad nodes folded into it (the node
        /// itself sees the padded image, which auto_pad's padding is computed for).
        /// </summary>
        public static Window Of(OnnxNode node, OnnxValue input, int kh, int kw, long[]? extraPads = null)
        {
            long[] extra = extraPads ?? new long[4];
            Shape unpadded = input.Shape!.Value;
            Shape shape = OnnxConversion.Image(unpadded.Height + extra[0] + extra[2], unpadded.Width + extra[1] + extra[3], unpadded.Channels);
            OnnxAttributeProto? dilations = node.Attribute("dilations");
            if (dilations is not null && dilations.Ints.Exists(d => d != 1))
                throw OnnxProblems.Node(node.Proto, "has dilations " + OnnxValueTable.Ints(dilations.Ints), "ModelGen imports dilation 1");
            OnnxAttributeProto? strides = node.Attribute("strides");
            long sh = 1, sw = 1;
            if (strides is not null)
            {
                if (strides.Ints.Count != 2 || strides.Ints[0] < 1 || strides.Ints[1] < 1 || strides.Ints[0] > 4096 || strides.Ints[1] > 4096)
                    throw OnnxProblems.Node(node.Proto, "has strides " + OnnxValueTable.Ints(strides.Ints), "ModelGen imports two positive strides");
                sh = strides.Ints[0];
                sw = strides.Ints[1];
            }
            string autoPad = node.Attribute("auto_pad") is { } a ? System.Text.Encoding.UTF8.GetString(a.S) : "NOTSET";
            long top = 0, left = 0, bottom = 0, right = 0;
            switch (autoPad)
            {
                case "NOTSET":
                case "":
                    OnnxAttributeProto? pads = node.Attribute("pads");
                    if (pads is not null)
                    {
                        if (pads.Ints.Count != 4 || pads.Ints.Exists(p => p < 0 || p > 4096))
                            throw OnnxProblems.Node(node.Proto, "has pads " + OnnxValueTable.Ints(pads.Ints), "ModelGen imports four pads ≥ 0 [top, left, bottom, right]");
                        top = pads.Ints[0]; left = pads.Ints[1]; bottom = pads.Ints[2]; right = pads.Ints[3];
                    }
                    break;
                case "VALID":
                    break;
                case "SAME_UPPER":
                    // Keras' 'same': the odd padding pixel at the bottom or right.
                    (top, bottom) = SameUpper(shape.Height, kh, sh);
                    (left, right) = SameUpper(shape.Width, kw, sw);
                    break;
                default:
                    throw OnnxProblems.Node(node.Proto, "has auto_pad " + autoPad, "ModelGen imports auto_pad NOTSET (explicit pads), VALID or SAME_UPPER");
            }
            Window? window = Window.FromPads(unpadded, kh, kw, (int)sh, (int)sw, top + extra[0], left + extra[1], bottom + extra[2], right + extra[3]);
            if (window is null)
                throw OnnxProblems.Node(node.Proto, "has a " + Format.Int(kh) + "×" + Format.Int(kw) + " window that does not fit its input " + input.Text, "the window must fit the padded image");
            return window;
        }

        private static (long Before, long After) SameUpper(int input, int window, long stride)
        {
            long output = (input + stride - 1) / stride;
            long total = Math.Max((output - 1) * stride + window - input, 0);
            return (total / 2, total - total / 2);
        }
    }
}
