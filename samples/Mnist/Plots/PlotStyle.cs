using ScottPlot;

namespace ModelGen.Samples.Mnist.Plots;

/// <summary>What the three figures share: fonts, colours, and turning a plot into PNG bytes.</summary>
internal static class PlotStyle
{
    public static readonly Color Train = Color.FromHex("#1f77b4");
    public static readonly Color Test = Color.FromHex("#d62728");
    public static readonly Color Validation = Color.FromHex("#2ca02c");
    public static readonly Color Rate = Color.FromHex("#9467bd");
    public static readonly Color Mistake = Color.FromHex("#d62728");

    // Common sans-serif families; ScottPlot's own default falls back to a serif font on Linux servers.
    private static readonly string[] s_sansFonts = ["DejaVu Sans", "Liberation Sans", "Noto Sans", "Arial", "Helvetica", "Segoe UI"];

    /// <summary>The first sans-serif family that is installed, else ScottPlot's default.</summary>
    public static string FontName { get; } =
        s_sansFonts.FirstOrDefault(name => Fonts.GetTypeface(name, bold: false, italic: false).FamilyName == name) ?? Fonts.Default;

    /// <summary>A plot in the sample's style.</summary>
    public static Plot NewPlot()
    {
        var plot = new Plot();
        plot.Font.Set(FontName);
        return plot;
    }

    /// <summary>The plot rendered at <paramref name="width"/> × <paramref name="height"/> pixels, as PNG bytes.</summary>
    public static byte[] ToPng(Plot plot, int width, int height)
    {
        using Image image = plot.GetImage(width, height);
        return image.GetImageBytes(ImageFormat.Png);
    }

    /// <summary>The multiplot rendered at <paramref name="width"/> × <paramref name="height"/> pixels, as PNG bytes.</summary>
    public static byte[] ToPng(Multiplot plot, int width, int height)
    {
        using Image image = plot.Render(width, height);
        return image.GetImageBytes(ImageFormat.Png);
    }
}
