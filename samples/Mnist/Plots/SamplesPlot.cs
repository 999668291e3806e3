using ModelGen.Samples.Mnist.Data;
using ModelGen.Samples.Mnist.Training;
using ScottPlot;

namespace ModelGen.Samples.Mnist.Plots;

/// <summary>
/// A grid of test digits, each captioned "true → predicted": first the opening images of the test
/// set, then the first images the model got wrong, framed and captioned in red.
/// </summary>
public static class SamplesPlot
{
    private const int Columns = 10;
    private const int FirstRows = 4;
    private const int MistakeRows = 2;
    private const double Cell = 1.0;       // one digit's width and height, in plot units
    private const double Caption = 0.38;   // room under each digit for its caption
    private const double Gap = 0.12;

    /// <summary>The images shown: the first 40 of the set, then up to 20 mistakes not among them.</summary>
    public static IReadOnlyList<int> Choose(Evaluation evaluation)
    {
        int first = Math.Min(FirstRows * Columns, evaluation.Count);
        var chosen = Enumerable.Range(0, first).ToList();
        for (int i = first; i < evaluation.Count && chosen.Count < first + MistakeRows * Columns; i++)
            if (evaluation.Predictions[i] != evaluation.Labels[i]) chosen.Add(i);
        return chosen;
    }

    /// <summary>The figure as PNG bytes.</summary>
    public static byte[] Render(MnistSet set, Evaluation evaluation)
    {
        IReadOnlyList<int> chosen = Choose(evaluation);
        int first = Math.Min(FirstRows * Columns, evaluation.Count);
        // Grid positions: the first images fill the first rows, the mistakes start a block below them.
        int Position(int n) => n < first ? n : FirstRows * Columns + (n - first);
        int rows = chosen.Count == 0 ? 1 : Position(chosen.Count - 1) / Columns + 1;
        Plot plot = PlotStyle.NewPlot();
        const double rowHeight = Cell + Caption + Gap;
        for (int n = 0; n < chosen.Count; n++)
        {
            int index = chosen[n];
            int row = Position(n) / Columns, column = Position(n) % Columns;
            double left = column * (Cell + Gap);
            // The mistakes start a block of their own, below a heading.
            double top = -row * rowHeight - (row >= FirstRows ? rowHeight * 0.35 : 0);
            AddDigit(plot, set.Image(index), left, top);

            int truth = evaluation.Labels[index], predicted = evaluation.Predictions[index];
            bool wrong = truth != predicted;
            // Below the digit, and below the red frame when there is one.
            var caption = plot.Add.Text($"{truth} → {predicted}", left + Cell / 2, top - Cell - (wrong ? 0.08 : 0.04));
            caption.LabelAlignment = Alignment.UpperCenter;
            caption.LabelFontSize = 15;
            caption.LabelBold = wrong;
            caption.LabelFontColor = wrong ? PlotStyle.Mistake : Colors.Black;
            if (wrong)
            {
                var frame = plot.Add.Rectangle(left - 0.04, left + Cell + 0.04, top - Cell - 0.04, top + 0.04);
                frame.FillColor = Colors.Transparent;
                frame.LineColor = PlotStyle.Mistake;
                frame.LineWidth = 3;
            }
        }

        if (chosen.Count > first)
        {
            var heading = plot.Add.Text("The next test images the model got wrong:", 0, -FirstRows * rowHeight - 0.02);
            heading.LabelAlignment = Alignment.UpperLeft;
            heading.LabelFontSize = 15;
            heading.LabelFontColor = PlotStyle.Mistake;
        }

        double width = Columns * (Cell + Gap);
        double height = rows * rowHeight + rowHeight * 0.35;
        plot.Axes.SetLimits(-Gap, width, -height, Gap);
        plot.Axes.Frameless();
        plot.HideGrid();
        plot.Title($"Test digits captioned true → predicted, mistakes in red: the first {first}, then {chosen.Count - first} more the model got wrong", size: 16);
        return PlotStyle.ToPng(plot, 1000, (int)(1000 * (height + Gap) / (width + Gap)) + 40);
    }

    // One 28×28 digit as a heat map filling [left, left + Cell] × [top - Cell, top], ink dark on white.
    private static void AddDigit(Plot plot, ReadOnlySpan<float> pixels, double left, double top)
    {
        var intensities = new double[MnistData.Rows, MnistData.Columns];
        for (int y = 0; y < MnistData.Rows; y++)
        for (int x = 0; x < MnistData.Columns; x++)
            intensities[y, x] = pixels[y * MnistData.Columns + x];
        var heatmap = plot.Add.Heatmap(intensities);
        heatmap.Colormap = new ScottPlot.Colormaps.GrayscaleReversed();
        heatmap.ManualRange = new ScottPlot.Range(0, 1);
        heatmap.Extent = new CoordinateRect(left, left + Cell, top - Cell, top);
    }
}
