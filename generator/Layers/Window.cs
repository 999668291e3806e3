using ModelGen.Generator.Model;
using ModelGen.Generator.Parsing;

namespace ModelGen.Generator.Layers
{
    /// <summary>Mirrors ModelGen.Padding.</summary>
    internal enum PaddingKind
    {
        Valid = 0,
        Same = 1,
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
            (Padding == PaddingKind.Valid ? "valid (no padding)" : "same (padding " + Format.Int(PadTop) + " top, " + Format.Int(PadLeft) + " left)");

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
