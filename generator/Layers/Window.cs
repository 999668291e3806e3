using ModelGen.Generator.Model;
using ModelGen.Generator.Parsing;

namespace ModelGen.Generator.Layers
{
    /// <summary>Mirrors ModelGen.Padding.</summary>
    internal enum PaddingKind
    {
        Valid = 0,
        Same = 1,

        /// <summary>
        /// ONNX's explicit pads (only from an imported file): PadTop and PadLeft as given, the output size from
        /// ONNX's formula, so windows that reach past the bottom or right read the padding there. PyTorch's
        /// padding=1 with stride 2 is such a case: Keras' Same would pad 0 at the top and 1 at the bottom.
        /// </summary>
        Explicit = 2,
    }

    /// <summary>
    /// Where a convolution's or a pooling layer's windows fall on its input image (mirrors
    /// ModelGen.ConvGeometry): window, stride, padding before the first row and column, output size.
    /// </summary>
    internal sealed record Window(
        int Height, int Width, int StrideHeight, int StrideWidth, PaddingKind Padding,
        int PadTop, int PadLeft, int OutputHeight, int OutputWidth)
    {
        /// <summary>
        /// Keras' rules: Valid gives (input − window) / stride + 1 outputs per axis; Same gives
        /// ceil(input / stride) and pads max((output − 1)·stride + window − input, 0) in total, the odd
        /// one at the bottom or right. Reports MG0023 when a Valid window does not fit its input.
        /// </summary>
        public static Window? Resolve(LayerReadContext context, string kind, Shape input, int height, int width,
            int strideHeight, int strideWidth, PaddingKind padding)
        {
            if (padding == PaddingKind.Valid && (height > input.Height || width > input.Width))
            {
                context.Report(Diagnostics.WindowTooLarge, kind, Format.Int(height) + "×" + Format.Int(width), context.Name,
                    context.ClassName, Format.Int(input.Height) + "×" + Format.Int(input.Width));
                return null;
            }
            (int outH, int padTop) = Axis(input.Height, height, strideHeight, padding);
            (int outW, int padLeft) = Axis(input.Width, width, strideWidth, padding);
            return new Window(height, width, strideHeight, strideWidth, padding, padTop, padLeft, outH, outW);
        }

        private static (int Output, int PadBefore) Axis(int input, int window, int stride, PaddingKind padding)
        {
            if (padding == PaddingKind.Valid) return ((input - window) / stride + 1, 0);
            int output = (int)(((long)input + stride - 1) / stride);
            long total = System.Math.Max((long)(output - 1) * stride + window - input, 0);
            return (output, (int)(total / 2));
        }

        /// <summary>"3×3 windows, stride 1, valid" for comments.</summary>
        public string Describe(string what) =>
            Format.Int(Height) + "×" + Format.Int(Width) + " " + what + ", stride " + StrideText("×") + ", " +
            (Padding == PaddingKind.Valid ? "valid (no padding)"
                : (Padding == PaddingKind.Same ? "same" : "explicit") + " (padding " + Format.Int(PadTop) + " top, " + Format.Int(PadLeft) + " left)");

        /// <summary>"same", "valid" or "pad=1x1" (top x left) in spec strings.</summary>
        public string PaddingToken => Padding switch
        {
            PaddingKind.Same => "same",
            PaddingKind.Valid => "valid",
            _ => "pad=" + Format.Int(PadTop) + "x" + Format.Int(PadLeft),
        };

        /// <summary>" same", "" or " pad 1×1" in a layer's one-line description.</summary>
        public string PaddingSuffix => Padding switch
        {
            PaddingKind.Same => " same",
            PaddingKind.Valid => "",
            _ => " pad " + Format.Int(PadTop) + "×" + Format.Int(PadLeft),
        };

        /// <summary>
        /// The window of an ONNX Conv or MaxPool with explicit pads [top, left, bottom, right]: ONNX's output
        /// size floor((input + top + bottom − window) / stride) + 1 per axis, and the padding kind that says so
        /// (Valid for no padding, Same when the pads are exactly Keras', Explicit otherwise). Null when no
        /// window fits.
        /// </summary>
        public static Window? FromPads(Shape input, int height, int width, int strideHeight, int strideWidth,
            long top, long left, long bottom, long right)
        {
            long outH = (input.Height + top + bottom - height) / strideHeight + 1;
            long outW = (input.Width + left + right - width) / strideWidth + 1;
            if (input.Height + top + bottom < height || input.Width + left + right < width || outH < 1 || outW < 1) return null;
            if (top == 0 && left == 0 && bottom == 0 && right == 0)
                return new Window(height, width, strideHeight, strideWidth, PaddingKind.Valid, 0, 0, (int)outH, (int)outW);
            (int sameH, int sameTop) = Axis(input.Height, height, strideHeight, PaddingKind.Same);
            (int sameW, int sameLeft) = Axis(input.Width, width, strideWidth, PaddingKind.Same);
            long sameBottom = System.Math.Max((long)(sameH - 1) * strideHeight + height - input.Height, 0) - sameTop;
            long sameRight = System.Math.Max((long)(sameW - 1) * strideWidth + width - input.Width, 0) - sameLeft;
            bool same = top == sameTop && left == sameLeft && bottom == sameBottom && right == sameRight && outH == sameH && outW == sameW;
            return new Window(height, width, strideHeight, strideWidth, same ? PaddingKind.Same : PaddingKind.Explicit,
                (int)top, (int)left, (int)outH, (int)outW);
        }

        /// <summary>"2" or "2x1".</summary>
        public string StrideText(string separator) => StrideHeight == StrideWidth
            ? Format.Int(StrideHeight)
            : Format.Int(StrideHeight) + separator + Format.Int(StrideWidth);

        /// <summary>The runtime ConvGeometry for this window over an input of <paramref name="channels"/> channels.</summary>
        public string GeometryExpression(Shape input) =>
            "new global::ModelGen.ConvGeometry(" + string.Join(", ",
                Format.Int(input.Height), Format.Int(input.Width), Format.Int(input.Channels),
                Format.Int(Height), Format.Int(Width), Format.Int(StrideHeight), Format.Int(StrideWidth),
                Format.Int(PadTop), Format.Int(PadLeft), Format.Int(OutputHeight), Format.Int(OutputWidth)) + ")";
    }
}
