namespace ModelGen.WebDigits.Tests.Strokes;

/// <summary>
/// Draws strokes as the page's canvas does, into an alpha channel: a round pen of the page's width (8 % of the canvas
/// side), fully opaque inside and antialiased over one pixel at its edge.
/// </summary>
public static class StrokeRaster
{
    /// <summary>The page's canvas side, in pixels.</summary>
    public const int Side = 280;

    /// <summary>The page's pen width, in pixels.</summary>
    public const double PenWidth = Side * 0.08;

    /// <summary>The alpha channel (row-major, <see cref="Side"/> × <see cref="Side"/>) of <paramref name="strokes"/> in a unit square.</summary>
    public static byte[] Draw(IEnumerable<(double X, double Y)[]> strokes)
    {
        var alpha = new byte[Side * Side];
        double radius = PenWidth / 2;
        foreach ((double X, double Y)[] stroke in strokes)
        for (int s = 0; s < stroke.Length; s++)
        {
            (double ax, double ay) = (stroke[s].X * Side, stroke[s].Y * Side);
            (double bx, double by) = s + 1 < stroke.Length ? (stroke[s + 1].X * Side, stroke[s + 1].Y * Side) : (ax, ay);
            int x0 = (int)Math.Floor(Math.Min(ax, bx) - radius - 1), x1 = (int)Math.Ceiling(Math.Max(ax, bx) + radius + 1);
            int y0 = (int)Math.Floor(Math.Min(ay, by) - radius - 1), y1 = (int)Math.Ceiling(Math.Max(ay, by) + radius + 1);
            for (int y = Math.Max(0, y0); y <= Math.Min(Side - 1, y1); y++)
            for (int x = Math.Max(0, x0); x <= Math.Min(Side - 1, x1); x++)
            {
                double coverage = Math.Clamp(radius + 0.5 - Distance(x + 0.5, y + 0.5, ax, ay, bx, by), 0, 1);
                byte value = (byte)Math.Round(255 * coverage);
                if (value > alpha[y * Side + x]) alpha[y * Side + x] = value;
            }
        }
        return alpha;
    }

    // Distance from (px, py) to the segment (ax, ay)-(bx, by).
    private static double Distance(double px, double py, double ax, double ay, double bx, double by)
    {
        double dx = bx - ax, dy = by - ay, length = dx * dx + dy * dy;
        double t = length == 0 ? 0 : Math.Clamp(((px - ax) * dx + (py - ay) * dy) / length, 0, 1);
        double cx = ax + t * dx - px, cy = ay + t * dy - py;
        return Math.Sqrt(cx * cx + cy * cy);
    }
}
