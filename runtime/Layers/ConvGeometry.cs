namespace ModelGen;

/// <summary>
/// Where a convolution's or a pooling layer's windows fall on one sample's [InputHeight, InputWidth, Channels]
/// image: window size, stride, the padding before the first row and column, and the output size. Output pixel
/// (i, j) reads input rows i·StrideHeight − PadTop + [0, WindowHeight) and columns j·StrideWidth − PadLeft +
/// [0, WindowWidth); positions outside the image are padding. Generated models hold one per such layer.
/// </summary>
public readonly record struct ConvGeometry(
    int InputHeight, int InputWidth, int Channels,
    int WindowHeight, int WindowWidth,
    int StrideHeight, int StrideWidth,
    int PadTop, int PadLeft,
    int OutputHeight, int OutputWidth)
{
    /// <summary>Values in one sample's input image.</summary>
    public int InputSize => InputHeight * InputWidth * Channels;

    /// <summary>Output pixels per sample.</summary>
    public int OutputPixels => OutputHeight * OutputWidth;

    /// <summary>Values in one window across all channels, [WindowHeight, WindowWidth, Channels]: a row of the patch matrix.</summary>
    public int PatchSize => WindowHeight * WindowWidth * Channels;

    /// <summary>
    /// The geometry of a window over an image with Keras' padding rules: Valid gives
    /// (input − window) / stride + 1 outputs per axis; Same gives ceil(input / stride) and pads
    /// max((output − 1)·stride + window − input, 0) in total, the odd one at the bottom or right.
    /// </summary>
    public static ConvGeometry Create(int inputHeight, int inputWidth, int channels, int windowHeight, int windowWidth,
        int strideHeight, int strideWidth, Padding padding)
    {
        if (inputHeight < 1 || inputWidth < 1 || channels < 1 || windowHeight < 1 || windowWidth < 1 || strideHeight < 1 || strideWidth < 1)
            throw new ArgumentOutOfRangeException(nameof(inputHeight), "Every size and stride must be at least 1.");
        (int outH, int padTop) = Axis(inputHeight, windowHeight, strideHeight, padding);
        (int outW, int padLeft) = Axis(inputWidth, windowWidth, strideWidth, padding);
        if (outH < 1 || outW < 1)
            throw new ArgumentException($"A {windowHeight}×{windowWidth} window does not fit a {inputHeight}×{inputWidth} image without padding.");
        return new ConvGeometry(inputHeight, inputWidth, channels, windowHeight, windowWidth, strideHeight, strideWidth, padTop, padLeft, outH, outW);
    }

    private static (int Output, int PadBefore) Axis(int input, int window, int stride, Padding padding)
    {
        if (padding == Padding.Valid) return (input < window ? 0 : (input - window) / stride + 1, 0);
        int output = (input + stride - 1) / stride;
        int total = Math.Max((output - 1) * stride + window - input, 0);
        return (output, total / 2);
    }
}
