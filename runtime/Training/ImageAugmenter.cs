namespace ModelGen.Training;

/// <summary>
/// Applies an <see cref="ImageAugmentation"/> to gathered batches in place, with one image of scratch allocated
/// once: a batch allocates nothing. Its draws for step s come from xoshiro256** seeded from (seed, s) alone
/// (<see cref="RandomForStep"/>), image by image in batch order (<see cref="Draw"/>).
/// </summary>
public sealed class ImageAugmenter
{
    /// <summary>XORed into the seed ("AUGMENT!"): keeps the augmentation's draws apart from the shuffle's and the model's streams.</summary>
    public const ulong AugmentStream = 0x4155_474D_454E_5421;

    private readonly ulong _seed;
    private readonly float[] _scratch;

    /// <summary>An augmenter of images of <paramref name="shape"/> (checked, with the settings) drawing from <paramref name="seed"/>.</summary>
    public ImageAugmenter(ImageAugmentation settings, TensorShape shape, ulong seed)
    {
        ArgumentNullException.ThrowIfNull(settings);
        settings.Check(shape, nameof(settings));
        Settings = settings;
        Shape = shape;
        _seed = seed;
        _scratch = new float[shape.Size];
    }

    /// <summary>The transforms.</summary>
    public ImageAugmentation Settings { get; }

    /// <summary>The images' shape, channels-last.</summary>
    public TensorShape Shape { get; }

    /// <summary>
    /// The generator of step <paramref name="step"/>'s draws: xoshiro256** seeded with (seed ^ <see cref="AugmentStream"/>)
    /// plus the SplitMix64 finaliser of the step, so neighbouring steps get unrelated streams.
    /// </summary>
    public static Xoshiro256StarStar RandomForStep(ulong seed, long step)
    {
        ulong z = (ulong)step * 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return new Xoshiro256StarStar((seed ^ AugmentStream) + (z ^ (z >> 31)));
    }

    /// <summary>
    /// Augments the <paramref name="count"/> images of <paramref name="batch"/> ([count, H·W·C]) in place, with the
    /// draws of training step <paramref name="step"/>.
    /// </summary>
    public void Apply(Span<float> batch, int count, long step)
    {
        int size = Shape.Size;
        if ((long)count * size > batch.Length) throw new ArgumentException($"{count} images of {size} values do not fit in {batch.Length}.", nameof(batch));
        Xoshiro256StarStar random = RandomForStep(_seed, step);
        for (int i = 0; i < count; i++)
        {
            AugmentationDraw draw = Draw(Settings, Shape, ref random);
            Span<float> image = batch.Slice(i * size, size);
            image.CopyTo(_scratch);
            Transform(Settings, Shape, draw, _scratch, image);
        }
    }

    /// <summary>
    /// One image's draws, in this order, each only when its transform is on: crop top and left (uniform in [0, 2P]),
    /// flip (the top bit of a 64-bit draw), rotation (−R + 2R · a uniform [0, 1) double), shift down and right (uniform in [-T, T]), then random erasing as
    /// torchvision draws it (erase when a uniform [0, 1) is below p; then up to 10 attempts of an area
    /// uniform in scale·H·W and a ratio exp(uniform in log ratio), h = round(√(area·ratio)), w = round(√(area/ratio)),
    /// rounding half to even as Python does, kept when h &lt; H and w &lt; W, and its top and left uniform in
    /// [0, H − h] and [0, W − w]; none fitting erases nothing).
    /// </summary>
    public static AugmentationDraw Draw(ImageAugmentation settings, TensorShape shape, ref Xoshiro256StarStar random)
    {
        ArgumentNullException.ThrowIfNull(settings);
        int top = 0, left = 0, down = 0, right = 0, eh = 0, ew = 0, et = 0, el = 0;
        bool flip = false;
        int p = settings.CropPadding;
        if (p > 0)
        {
            top = random.NextInt32(2 * p + 1);
            left = random.NextInt32(2 * p + 1);
        }
        if (settings.HorizontalFlip) flip = (random.NextUInt64() >> 63) != 0;
        double angle = 0;
        if (settings.MaxRotationDegrees > 0) angle = Uniform(ref random, -settings.MaxRotationDegrees, settings.MaxRotationDegrees);
        int t = settings.MaxTranslation;
        if (t > 0)
        {
            down = random.NextInt32(2 * t + 1) - t;
            right = random.NextInt32(2 * t + 1) - t;
        }
        if (settings.ErasingProbability > 0 && random.NextDouble() < settings.ErasingProbability)
        {
            int height = shape.Height, width = shape.Width;
            double area = (double)height * width;
            double logMin = Math.Log(settings.ErasingRatio.Min), logMax = Math.Log(settings.ErasingRatio.Max);
            for (int attempt = 0; attempt < 10; attempt++)
            {
                double target = area * Uniform(ref random, settings.ErasingScale.Min, settings.ErasingScale.Max);
                double ratio = Math.Exp(Uniform(ref random, logMin, logMax));
                int h = (int)Math.Round(Math.Sqrt(target * ratio), MidpointRounding.ToEven);
                int w = (int)Math.Round(Math.Sqrt(target / ratio), MidpointRounding.ToEven);
                if (!(h < height && w < width)) continue;
                eh = h;
                ew = w;
                et = random.NextInt32(height - h + 1);
                el = random.NextInt32(width - w + 1);
                break;
            }
        }
        return new AugmentationDraw(top, left, flip, down, right, eh, ew, et, el, angle);
    }

    private static double Uniform(ref Xoshiro256StarStar random, double min, double max) => min + (max - min) * random.NextDouble();

    /// <summary>
    /// Writes into <paramref name="destination"/> the image <paramref name="source"/> ([H, W, C], channels-last)
    /// transformed by <paramref name="draw"/>, the inverse of crop, then flip, then rotation, then translation:
    /// output pixel (y, x) is first moved back by the shift, (y₁, x₁) = (y − ShiftDown, x − ShiftRight); then rotated
    /// back about the centre (c_y, c_x) = ((H − 1)/2, (W − 1)/2) by the angle θ, y₂ = round(c_y + sin θ·(x₁ − c_x) + cos θ·(y₁ − c_y)),
    /// x₂ = round(c_x + cos θ·(x₁ − c_x) − sin θ·(y₁ − c_y)) (nearest pixel, half to even; no rotation: y₂ = y₁, x₂ = x₁);
    /// mirrored, x₃ = W − 1 − x₂, when flipping; and read from the source at (y₂ + CropTop − P, x₃ + CropLeft − P).
    /// Zero where any of these positions falls outside the image; then the erasing rectangle takes the erasing value.
    /// P is the settings' crop padding.
    /// </summary>
    public static void Transform(ImageAugmentation settings, TensorShape shape, in AugmentationDraw draw, ReadOnlySpan<float> source, Span<float> destination)
    {
        ArgumentNullException.ThrowIfNull(settings);
        int height = shape.Height, width = shape.Width, channels = shape.Channels, p = settings.CropPadding;
        if (source.Length < shape.Size || destination.Length < shape.Size) throw new ArgumentException($"An image of {shape} needs {shape.Size} values.");
        if (draw.RotationDegrees != 0)
        {
            Rotated(shape, draw, p, source, destination);
            Erase(settings, shape, draw, destination);
            return;
        }
        for (int y = 0; y < height; y++)
        {
            int y1 = y - draw.ShiftDown;
            int sy = y1 + draw.CropTop - p;
            bool rowInside = y1 >= 0 && y1 < height && sy >= 0 && sy < height;
            for (int x = 0; x < width; x++)
            {
                Span<float> pixel = destination.Slice((y * width + x) * channels, channels);
                int x1 = x - draw.ShiftRight;
                int x2 = draw.Flip ? width - 1 - x1 : x1;
                int sx = x2 + draw.CropLeft - p;
                if (rowInside && x1 >= 0 && x1 < width && sx >= 0 && sx < width)
                    source.Slice((sy * width + sx) * channels, channels).CopyTo(pixel);
                else
                    pixel.Clear();
            }
        }
        Erase(settings, shape, draw, destination);
    }

    private static void Erase(ImageAugmentation settings, TensorShape shape, in AugmentationDraw draw, Span<float> destination)
    {
        int width = shape.Width, channels = shape.Channels;
        for (int y = draw.EraseTop; y < draw.EraseTop + draw.EraseHeight; y++)
            destination.Slice((y * width + draw.EraseLeft) * channels, draw.EraseWidth * channels).Fill(settings.ErasingValue);
    }

    // The general case with a rotation: the same chain as Transform's, with the nearest source pixel of the rotated position.
    private static void Rotated(TensorShape shape, in AugmentationDraw draw, int p, ReadOnlySpan<float> source, Span<float> destination)
    {
        int height = shape.Height, width = shape.Width, channels = shape.Channels;
        double theta = draw.RotationDegrees * (Math.PI / 180);
        double cos = Math.Cos(theta), sin = Math.Sin(theta);
        double cy = (height - 1) / 2.0, cx = (width - 1) / 2.0;
        for (int y = 0; y < height; y++)
        {
            double dy = y - draw.ShiftDown - cy;
            for (int x = 0; x < width; x++)
            {
                Span<float> pixel = destination.Slice((y * width + x) * channels, channels);
                double dx = x - draw.ShiftRight - cx;
                double ry = Math.Round(cy + sin * dx + cos * dy, MidpointRounding.ToEven);
                double rx = Math.Round(cx + cos * dx - sin * dy, MidpointRounding.ToEven);
                int y1 = y - draw.ShiftDown, x1 = x - draw.ShiftRight;
                bool inside = y1 >= 0 && y1 < height && x1 >= 0 && x1 < width && ry >= 0 && ry < height && rx >= 0 && rx < width;
                int y2 = (int)ry, x2 = (int)rx;
                int x3 = draw.Flip ? width - 1 - x2 : x2;
                int sy = y2 + draw.CropTop - p, sx = x3 + draw.CropLeft - p;
                if (inside && sy >= 0 && sy < height && sx >= 0 && sx < width)
                    source.Slice((sy * width + sx) * channels, channels).CopyTo(pixel);
                else
                    pixel.Clear();
            }
        }
    }
}
