using ModelGen.Samples.Mnist.Training;
using ScottPlot;

namespace ModelGen.Samples.Mnist.Plots;

/// <summary>Loss (left) and accuracy (right) per epoch, for the training pass and the test set.</summary>
public static class TrainingCurvesPlot
{
    /// <summary>The figure as PNG bytes.</summary>
    public static byte[] Render(IReadOnlyList<EpochMetrics> history)
    {
        double[] epochs = history.Select(h => (double)h.Epoch).ToArray();
        Plot loss = Panel(epochs, "Loss (cross-entropy)", Alignment.UpperRight,
            ("train (mean over the epoch)", history.Select(h => h.TrainLoss).ToArray()), ("test", history.Select(h => h.TestLoss).ToArray()));
        Plot accuracy = Panel(epochs, "Accuracy (%)", Alignment.LowerRight,
            ("train (mean over the epoch)", history.Select(h => 100 * h.TrainAccuracy).ToArray()), ("test", history.Select(h => 100 * h.TestAccuracy).ToArray()));

        var figure = new Multiplot();
        // A new multiplot holds one empty plot: replace it.
        figure.Reset(loss);
        figure.AddPlot(accuracy);
        figure.Layout = new ScottPlot.MultiplotLayouts.Columns();
        return PlotStyle.ToPng(figure, 1200, 480);
    }

    private static Plot Panel(double[] epochs, string title, Alignment legend, params (string Name, double[] Values)[] series)
    {
        Plot plot = PlotStyle.NewPlot();
        Color[] colors = [PlotStyle.Train, PlotStyle.Test];
        for (int i = 0; i < series.Length; i++)
        {
            var line = plot.Add.Scatter(epochs, series[i].Values, colors[i]);
            line.LegendText = series[i].Name;
            line.LineWidth = 2;
            line.MarkerSize = 7;
        }
        // One tick per epoch (thinned out for long runs), never fractional epochs.
        int step = Math.Max(1, (int)Math.Ceiling(epochs.Length / 15.0));
        double[] ticks = epochs.Where((_, i) => i % step == 0).ToArray();
        plot.Axes.Bottom.SetTicks(ticks, ticks.Select(t => t.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray());
        plot.Axes.SetLimitsX(0.5, epochs.Length + 0.5);
        plot.Title(title, size: 16);
        plot.XLabel("Epoch");
        plot.ShowLegend(legend);
        return plot;
    }
}
