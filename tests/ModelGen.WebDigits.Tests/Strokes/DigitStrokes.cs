namespace ModelGen.WebDigits.Tests.Strokes;

/// <summary>
/// One handwritten-style drawing of each digit as pen strokes, in a unit square (x right, y down), written by hand
/// the way people draw digits (a 4 in two strokes, an 8 as one looping stroke, a 7 without a bar). The browser tests
/// replay them as pointer strokes on the page's canvas; the session tests rasterise them with the page's brush.
/// </summary>
public static class DigitStrokes
{
    /// <summary>The strokes of <paramref name="digit"/>: each a polyline of (x, y) points in 0..1.</summary>
    public static IReadOnlyList<(double X, double Y)[]> Of(int digit) => digit switch
    {
        0 => [Ellipse(0.5, 0.5, 0.17, 0.3, from: -Math.PI / 2, turns: 1.05)],
        1 => [Line((0.53, 0.18), (0.47, 0.82))],
        2 => [[(0.33, 0.32), (0.38, 0.22), (0.5, 0.17), (0.62, 0.21), (0.66, 0.31), (0.62, 0.43), (0.5, 0.56), (0.38, 0.69), (0.31, 0.8), (0.5, 0.8), (0.7, 0.8)]],
        3 => [[(0.33, 0.22), (0.45, 0.16), (0.6, 0.18), (0.66, 0.28), (0.6, 0.4), (0.46, 0.47), (0.6, 0.53), (0.68, 0.64), (0.64, 0.76), (0.5, 0.83), (0.32, 0.78)]],
        4 => [[(0.55, 0.17), (0.42, 0.38), (0.3, 0.6), (0.5, 0.6), (0.72, 0.6)], Line((0.6, 0.36), (0.6, 0.84))],
        5 => [[(0.67, 0.18), (0.4, 0.18), (0.37, 0.46), (0.5, 0.42), (0.63, 0.47), (0.68, 0.6), (0.66, 0.73), (0.53, 0.82), (0.33, 0.78)]],
        6 => [[(0.62, 0.17), (0.48, 0.27), (0.38, 0.42), (0.34, 0.58), (0.38, 0.74), (0.5, 0.82), (0.63, 0.76), (0.66, 0.62), (0.57, 0.52), (0.45, 0.52), (0.36, 0.6)]],
        7 => [[(0.3, 0.2), (0.5, 0.2), (0.7, 0.2), (0.6, 0.42), (0.5, 0.63), (0.44, 0.84)]],
        8 => [Eight()],
        9 => [Ellipse(0.5, 0.34, 0.15, 0.15, from: 0, turns: -1.0), Line((0.65, 0.34), (0.6, 0.84))],
        _ => throw new ArgumentOutOfRangeException(nameof(digit), digit, "Digits are 0 to 9."),
    };

    // A straight stroke, with points every few percent so that the pointer moves as a pen does.
    private static (double X, double Y)[] Line((double X, double Y) from, (double X, double Y) to) =>
        Enumerable.Range(0, 11).Select(i => (from.X + (to.X - from.X) * i / 10, from.Y + (to.Y - from.Y) * i / 10)).ToArray();

    // An ellipse traced from angle `from` (0 = right, π/2 = down) for `turns` turns (negative: anticlockwise on screen).
    private static (double X, double Y)[] Ellipse(double cx, double cy, double rx, double ry, double from, double turns) =>
        Enumerable.Range(0, 33).Select(i => from + 2 * Math.PI * turns * i / 32).Select(a => (cx + rx * Math.Cos(a), cy + ry * Math.Sin(a))).ToArray();

    // An 8 in one stroke: down from the top through the waist, round the bottom loop, up through the waist again.
    private static (double X, double Y)[] Eight() =>
        Enumerable.Range(0, 41).Select(i => 2 * Math.PI * i / 40).Select(t => (0.5 - 0.15 * Math.Sin(2 * t), 0.5 - 0.31 * Math.Cos(t))).ToArray();
}
