using ModelGen.Samples.Mnist.Imaging;

namespace ModelGen.Samples.WebDigits.Digits;

/// <summary>
/// The drawing canvas as the CLI's preprocessing sees a photo: ink is the canvas's alpha (strokes are painted on a
/// transparent canvas), so an untouched canvas is a black page and the strokes are light ink on it.
/// </summary>
internal static class CanvasInk
{
    /// <summary>
    /// Ink spanning less than this fraction of the canvas's shorter side, across and down, is a dot or a slip of
    /// the pen, not a digit: scaled up to MNIST's 20-pixel box it would be a blob the network reads as anything.
    /// </summary>
    public const double MinimumExtent = 0.1;

    // Half-covered pixels count as ink when measuring the drawing (antialiased edges do not).
    private const byte InkAlpha = 128;

    /// <summary>
    /// The canvas as a grayscale image (alpha 0..255 → 0..1), or null when it is empty or nearly empty
    /// (see <see cref="MinimumExtent"/>), which the page answers with a hint instead of a prediction.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="alpha"/> does not hold <paramref name="width"/> × <paramref name="height"/> values.</exception>
    public static GrayImage? ToImage(ReadOnlySpan<byte> alpha, int width, int height)
    {
        if (width < 1 || height < 1 || alpha.Length != (long)width * height)
            throw new ArgumentException($"{alpha.Length} alpha values for a {width}x{height} canvas.", nameof(alpha));
        int left = width, right = -1, top = height, bottom = -1;
        for (int y = 0; y < height; y++)
        {
            ReadOnlySpan<byte> row = alpha.Slice(y * width, width);
            int first = row.IndexOfAnyInRange(InkAlpha, byte.MaxValue);
            if (first < 0) continue;
            int last = row.LastIndexOfAnyInRange(InkAlpha, byte.MaxValue);
            (left, right) = (Math.Min(left, first), Math.Max(right, last));
            (top, bottom) = (Math.Min(top, y), y);
        }
        if (right < 0) return null;
        double minimum = MinimumExtent * Math.Min(width, height);
        if (right - left + 1 < minimum && bottom - top + 1 < minimum) return null;
        var pixels = new float[alpha.Length];
        for (int i = 0; i < pixels.Length; i++) pixels[i] = alpha[i] * (1f / 255f);
        return new GrayImage(width, height, pixels);
    }
}
