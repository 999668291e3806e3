using ModelGen.Samples.Mnist.Imaging;
using SkiaSharp;

namespace ModelGen.Mnist.Tests;

/// <summary>Digits drawn with thick strokes, as a person would with a pen, for the preprocessing tests.</summary>
public static class DrawnDigits
{
    /// <summary>A "7": a bar and a slanted stroke, as polylines in a 0..1 box.</summary>
    public static readonly (float X, float Y)[][] Seven = [[(0.05f, 0.05f), (0.95f, 0.05f), (0.4f, 0.95f)]];

    /// <summary>
    /// A grayscale image of <paramref name="width"/> × <paramref name="height"/> with
    /// <paramref name="strokes"/> drawn into the box at (<paramref name="left"/>, <paramref name="top"/>) of
    /// <paramref name="boxWidth"/> × <paramref name="boxHeight"/>: ink 0.1 on paper 0.95 (a light background).
    /// </summary>
    public static GrayImage Draw(int width, int height, (float X, float Y)[][] strokes, float left, float top, float boxWidth, float boxHeight, float thickness)
    {
        var pixels = new float[width * height];
        for (int y = 0; y < height; y++)
        for (int x = 0; x < width; x++)
        {
            bool ink = false;
            foreach (var stroke in strokes)
            for (int s = 0; s + 1 < stroke.Length && !ink; s++)
            {
                var (ax, ay) = (left + stroke[s].X * boxWidth, top + stroke[s].Y * boxHeight);
                var (bx, by) = (left + stroke[s + 1].X * boxWidth, top + stroke[s + 1].Y * boxHeight);
                ink = DistanceToSegment(x + 0.5f, y + 0.5f, ax, ay, bx, by) <= thickness / 2;
            }
            pixels[y * width + x] = ink ? 0.1f : 0.95f;
        }
        return new GrayImage(width, height, pixels);
    }

    /// <summary>The strokes drawn with SkiaSharp into a PNG: black on white, or black on transparent.</summary>
    public static byte[] Png(int width, int height, (float X, float Y)[][] strokes, float left, float top, float size, float thickness, bool transparent = false)
    {
        using var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Unpremul));
        using (var canvas = new SKCanvas(bitmap))
        using (var pen = new SKPaint { Color = SKColors.Black, StrokeWidth = thickness, IsAntialias = true, Style = SKPaintStyle.Stroke, StrokeCap = SKStrokeCap.Round, StrokeJoin = SKStrokeJoin.Round })
        {
            canvas.Clear(transparent ? SKColors.Transparent : SKColors.White);
            foreach (var stroke in strokes)
            {
                using var path = new SKPath();
                path.MoveTo(left + stroke[0].X * size, top + stroke[0].Y * size);
                foreach (var (x, y) in stroke.Skip(1)) path.LineTo(left + x * size, top + y * size);
                canvas.DrawPath(path, pen);
            }
        }
        using SKData png = bitmap.Encode(SKEncodedImageFormat.Png, 100);
        return png.ToArray();
    }

    /// <summary>The centre of mass of a 28×28 image, with pixel x covering [x, x + 1).</summary>
    public static (double X, double Y) CentreOfMass(float[] image)
    {
        double mass = 0, mx = 0, my = 0;
        for (int y = 0; y < 28; y++)
        for (int x = 0; x < 28; x++)
        {
            double v = image[y * 28 + x];
            mass += v;
            mx += v * (x + 0.5);
            my += v * (y + 0.5);
        }
        return (mx / mass, my / mass);
    }

    /// <summary>The width and height of the smallest box holding every non-zero pixel of a 28×28 image.</summary>
    public static (int Width, int Height) InkBox(float[] image)
    {
        int left = 28, right = -1, top = 28, bottom = -1;
        for (int y = 0; y < 28; y++)
        for (int x = 0; x < 28; x++)
        {
            if (image[y * 28 + x] <= 0) continue;
            (left, right, top, bottom) = (Math.Min(left, x), Math.Max(right, x), Math.Min(top, y), Math.Max(bottom, y));
        }
        return (right - left + 1, bottom - top + 1);
    }

    private static float DistanceToSegment(float px, float py, float ax, float ay, float bx, float by)
    {
        float dx = bx - ax, dy = by - ay;
        float t = Math.Clamp(((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy), 0, 1);
        float cx = ax + t * dx - px, cy = ay + t * dy - py;
        return MathF.Sqrt(cx * cx + cy * cy);
    }
}
