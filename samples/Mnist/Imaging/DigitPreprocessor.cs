namespace ModelGen.Samples.Mnist.Imaging;

/// <summary>
/// Turns any picture of one digit into a 28×28 input the way MNIST's digits were made: ink as
/// brightness on black (inverting dark-on-light pictures), cropped to the ink, the longer side
/// scaled to 20 pixels (area averaging when shrinking, bilinear when enlarging), and placed so
/// that the centre of mass is the centre of the 28×28 field.
/// </summary>
public static class DigitPreprocessor
{
    /// <summary>The side of the output, in pixels.</summary>
    public const int Side = 28;

    /// <summary>The side of the box the digit is scaled to fit, in pixels.</summary>
    public const int Box = 20;

    // After normalising ink to 0..1, anything fainter is paper texture or sensor noise; without
    // this cut the bounding box would grow to the whole photo.
    private const float NoiseFloor = 0.15f;

    // Less contrast than this between paper and the darkest ink means there is no digit to find.
    private const float MinimumContrast = 0.1f;

    /// <summary>The 784 inputs, row-major, 0 for background and up to 1 for ink.</summary>
    /// <exception cref="SampleException">The image has no visible ink.</exception>
    public static float[] Preprocess(GrayImage image, string source)
    {
        float[] ink = Ink(image, source);
        (int left, int top, int width, int height) = BoundingBox(ink, image.Width, image.Height);

        // Centre of mass of the cropped ink, with pixel x covering [x, x + 1).
        double mass = 0, mx = 0, my = 0;
        for (int y = 0; y < height; y++)
        for (int x = 0; x < width; x++)
        {
            double v = ink[(top + y) * image.Width + left + x];
            mass += v;
            mx += v * (x + 0.5);
            my += v * (y + 0.5);
        }
        double scale = (double)Box / Math.Max(width, height);
        // Whole-pixel offsets, as MNIST's own centring was: the digit is not blurred by a
        // sub-pixel shift, the centre of mass lands within half a pixel of the middle, and
        // the longer side covers exactly 20 pixels. Clamped so the digit is never cut off.
        int offsetX = Place(Side / 2.0 - scale * mx / mass, scale * width);
        int offsetY = Place(Side / 2.0 - scale * my / mass, scale * height);

        Tap[] columns = Weights(Side, width, scale, offsetX);
        Tap[] rows = Weights(Side, height, scale, offsetY);
        // Separable resampling: first along rows into [height, 28], then along columns into [28, 28].
        var horizontal = new float[height * Side];
        for (int y = 0; y < height; y++)
        for (int X = 0; X < Side; X++)
        {
            Tap tap = columns[X];
            float sum = 0;
            for (int k = 0; k < tap.Weights.Length; k++) sum += tap.Weights[k] * ink[(top + y) * image.Width + left + tap.Start + k];
            horizontal[y * Side + X] = sum;
        }
        var output = new float[Side * Side];
        float brightest = 0;
        for (int Y = 0; Y < Side; Y++)
        for (int X = 0; X < Side; X++)
        {
            Tap tap = rows[Y];
            float sum = 0;
            for (int k = 0; k < tap.Weights.Length; k++) sum += tap.Weights[k] * horizontal[(tap.Start + k) * Side + X];
            output[Y * Side + X] = sum;
            brightest = Math.Max(brightest, sum);
        }
        // Thin strokes shrunk a lot come out faint; MNIST's strokes reach full brightness.
        if (brightest > 0) for (int i = 0; i < output.Length; i++) output[i] = Math.Min(1f, output[i] / brightest);
        // Area resampling keeps the centre of mass where it was placed, bilinear enlarging only
        // nearly; a last whole-pixel shift puts it within half a pixel of the middle in both cases.
        return Recentre(output);
    }

    // Shifts the image by whole pixels so its centre of mass is nearest the middle, as far as that
    // keeps all the ink inside the field.
    private static float[] Recentre(float[] image)
    {
        double mass = 0, mx = 0, my = 0;
        int left = Side, right = -1, top = Side, bottom = -1;
        for (int y = 0; y < Side; y++)
        for (int x = 0; x < Side; x++)
        {
            float v = image[y * Side + x];
            if (v <= 0) continue;
            mass += v;
            mx += v * (x + 0.5);
            my += v * (y + 0.5);
            (left, right, top, bottom) = (Math.Min(left, x), Math.Max(right, x), Math.Min(top, y), Math.Max(bottom, y));
        }
        if (mass <= 0) return image;
        int dx = (int)Math.Clamp(Math.Round(Side / 2.0 - mx / mass, MidpointRounding.AwayFromZero), -left, Side - 1 - right);
        int dy = (int)Math.Clamp(Math.Round(Side / 2.0 - my / mass, MidpointRounding.AwayFromZero), -top, Side - 1 - bottom);
        if (dx == 0 && dy == 0) return image;
        var shifted = new float[image.Length];
        for (int y = top; y <= bottom; y++)
        for (int x = left; x <= right; x++)
            shifted[(y + dy) * Side + x + dx] = image[y * Side + x];
        return shifted;
    }

    /// <summary>
    /// Ink 0..1 per pixel: the background is taken as the median of the border pixels; on a light
    /// background dark is ink, on a dark one light is ink. Paper maps to 0, the strongest ink to 1.
    /// </summary>
    private static float[] Ink(GrayImage image, string source)
    {
        float background = BorderMedian(image);
        bool light = background > 0.5f;
        float paper = light ? 1f - background : background;
        float strongest = 0;
        foreach (float g in image.Pixels) strongest = Math.Max(strongest, light ? 1f - g : g);
        if (strongest - paper < MinimumContrast)
            throw new SampleException($"{source}: no digit found: the image is blank (no ink stands out from the background).");
        var ink = new float[image.Pixels.Length];
        float range = strongest - paper;
        for (int i = 0; i < ink.Length; i++)
        {
            float v = ((light ? 1f - image.Pixels[i] : image.Pixels[i]) - paper) / range;
            ink[i] = v < NoiseFloor ? 0f : Math.Min(v, 1f);
        }
        return ink;
    }

    private static float BorderMedian(GrayImage image)
    {
        var border = new List<float>(2 * (image.Width + image.Height));
        for (int x = 0; x < image.Width; x++)
        {
            border.Add(image[x, 0]);
            if (image.Height > 1) border.Add(image[x, image.Height - 1]);
        }
        for (int y = 1; y < image.Height - 1; y++)
        {
            border.Add(image[0, y]);
            if (image.Width > 1) border.Add(image[image.Width - 1, y]);
        }
        border.Sort();
        return border[border.Count / 2];
    }

    private static (int Left, int Top, int Width, int Height) BoundingBox(float[] ink, int width, int height)
    {
        int left = width, right = -1, top = height, bottom = -1;
        for (int y = 0; y < height; y++)
        for (int x = 0; x < width; x++)
        {
            if (ink[y * width + x] <= 0) continue;
            left = Math.Min(left, x);
            right = Math.Max(right, x);
            top = Math.Min(top, y);
            bottom = Math.Max(bottom, y);
        }
        // Ink() guarantees one pixel at full strength, so the box is never empty.
        return (left, top, right - left + 1, bottom - top + 1);
    }

    // The whole-pixel offset nearest to `ideal` that keeps [offset, offset + extent] inside the field.
    private static int Place(double ideal, double extent) =>
        (int)Math.Clamp(Math.Round(ideal, MidpointRounding.AwayFromZero), 0, Math.Floor(Side - extent + 1e-9));

    /// <summary>The source pixels (from Start on) and weights that make one output pixel.</summary>
    private readonly record struct Tap(int Start, float[] Weights);

    /// <summary>
    /// For each of <paramref name="outputs"/> output pixels, the weights over the <paramref name="inputs"/>
    /// source pixels, when source coordinate u lands at output coordinate offset + scale · u.
    /// Shrinking averages the source over each output pixel's footprint (area resampling, which keeps
    /// the centre of mass); enlarging interpolates bilinearly at the output pixel's centre.
    /// Output pixels outside the scaled box get no weights.
    /// </summary>
    private static Tap[] Weights(int outputs, int inputs, double scale, double offset)
    {
        var taps = new Tap[outputs];
        for (int o = 0; o < outputs; o++)
        {
            double from = (o - offset) / scale, to = (o + 1 - offset) / scale;
            if (scale <= 1)
            {
                int first = Math.Max(0, (int)Math.Floor(from)), last = Math.Min(inputs - 1, (int)Math.Ceiling(to) - 1);
                if (last < first)
                {
                    taps[o] = new Tap(0, []);
                    continue;
                }
                var weights = new float[last - first + 1];
                for (int i = first; i <= last; i++)
                {
                    double overlap = Math.Min(to, i + 1) - Math.Max(from, i);
                    // Rounding can leave a sliver of overlap with the pixel past the box's edge.
                    weights[i - first] = overlap > 1e-9 ? (float)(overlap * scale) : 0f;
                }
                taps[o] = new Tap(first, weights);
            }
            else
            {
                double centre = (o + 0.5 - offset) / scale;
                if (centre < 0 || centre > inputs)
                {
                    taps[o] = new Tap(0, []);
                    continue;
                }
                double u = Math.Clamp(centre - 0.5, 0, inputs - 1);
                int i0 = (int)Math.Floor(u);
                int i1 = Math.Min(i0 + 1, inputs - 1);
                float t = (float)(u - i0);
                taps[o] = i1 == i0 ? new Tap(i0, [1f]) : new Tap(i0, [1f - t, t]);
            }
        }
        return taps;
    }
}
