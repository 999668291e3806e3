using ModelGen.Samples.Mnist.Data;
using ModelGen.Samples.Mnist.Training;
using ScottPlot;

namespace ModelGen.Samples.Mnist.Plots;

/// <summary>
/// The confusion matrix as a heat map: true digit down, predicted digit across, the count written
/// in every cell. Colour follows log(1 + count): with about 1 000 images on the diagonal and a
/// handful elsewhere, a linear scale would leave every mistake looking the same pale colour.
/// </summary>
public static class ConfusionMatrixPlot
{
    /// <summary>The figure as PNG bytes.</summary>
    public static byte[] Render(Evaluation evaluation)
    {
        const int k = MnistData.Classes;
        var intensity = new double[k, k];
        double max = 0;
        for (int t = 0; t < k; t++)
        for (int p = 0; p < k; p++)
            max = Math.Max(max, intensity[t, p] = Math.Log10(1 + evaluation.Confusion[t, p]));

        Plot plot = PlotStyle.NewPlot();
        var heatmap = plot.Add.Heatmap(intensity);
        // Blues runs from dark to light; reversed, more images means a darker cell.
        heatmap.Colormap = new ScottPlot.Colormaps.Reversed(new ScottPlot.Colormaps.Blues());
        heatmap.ManualRange = new ScottPlot.Range(0, Math.Max(max, 1));

        // The heat map draws row 0 at the top, at y = k - 1, so true digit t sits at y = k - 1 - t.
        for (int t = 0; t < k; t++)
        for (int p = 0; p < k; p++)
        {
            int count = evaluation.Confusion[t, p];
            var text = plot.Add.Text(count.ToString(System.Globalization.CultureInfo.InvariantCulture), p, k - 1 - t);
            text.LabelAlignment = Alignment.MiddleCenter;
            text.LabelFontSize = 15;
            text.LabelBold = t == p;
            bool dark = intensity[t, p] > 0.55 * Math.Max(max, 1);
            text.LabelFontColor = count == 0 ? Colors.Gray.WithAlpha(0.6) : dark ? Colors.White : Colors.Black;
        }

        double[] positions = Enumerable.Range(0, k).Select(i => (double)i).ToArray();
        string[] digits = Enumerable.Range(0, k).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        plot.Axes.Bottom.SetTicks(positions, digits);
        plot.Axes.Left.SetTicks(positions, digits.Reverse().ToArray());
        plot.Axes.Bottom.TickLabelStyle.FontSize = 15;
        plot.Axes.Left.TickLabelStyle.FontSize = 15;
        plot.Axes.SetLimits(-0.5, k - 0.5, -0.5, k - 0.5);
        plot.HideGrid();
        plot.XLabel("Predicted digit", size: 17);
        plot.YLabel("True digit", size: 17);
        plot.Title($"Confusion matrix: {evaluation.Correct:N0} of {evaluation.Count:N0} test images right ({Cli.Percent.Format(evaluation.Accuracy)})", size: 16);
        return PlotStyle.ToPng(plot, 760, 720);
    }
}
