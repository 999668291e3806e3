using System.Globalization;
using ModelGen.Samples.Mnist.Training;
using ScottPlot;

namespace ModelGen.Samples.Mnist.Plots;

/// <summary>
/// Loss (left) and accuracy (middle) per epoch, for the training pass, the validation images (with <c>--validation-split</c>)
/// and the test set; and the learning rate (right): every step's, with each epoch's recorded rate marked.
/// </summary>
public static class TrainingCurvesPlot
{
    /// <summary>
    /// The figure as PNG bytes; without <paramref name="learningRates"/>, the rate panel shows the epochs' recorded rates alone.
    /// <paramref name="keptEpoch"/>, early stopping's best epoch whose weights were kept, is marked in the loss and accuracy panels.
    /// </summary>
    public static byte[] Render(IReadOnlyList<EpochMetrics> history, LearningRateCurve? learningRates = null, int? keptEpoch = null)
    {
        ArgumentNullException.ThrowIfNull(history);
        double[] epochs = history.Select(h => (double)h.Epoch).ToArray();
        bool validated = history.Count > 0 && history.All(h => h.ValidationLoss is not null);
        var losses = new List<(string, double[], Color)> { ("train (mean over the epoch)", history.Select(h => h.TrainLoss).ToArray(), PlotStyle.Train) };
        var accuracies = new List<(string, double[], Color)> { ("train (mean over the epoch)", history.Select(h => 100 * h.TrainAccuracy).ToArray(), PlotStyle.Train) };
        if (validated)
        {
            losses.Add(("validation", history.Select(h => h.ValidationLoss!.Value).ToArray(), PlotStyle.Validation));
            accuracies.Add(("validation", history.Select(h => 100 * h.ValidationAccuracy!.Value).ToArray(), PlotStyle.Validation));
        }
        losses.Add(("test", history.Select(h => h.TestLoss).ToArray(), PlotStyle.Test));
        accuracies.Add(("test", history.Select(h => 100 * h.TestAccuracy).ToArray(), PlotStyle.Test));
        Plot loss = Panel(epochs, "Loss (cross-entropy)", Alignment.UpperRight, losses, keptEpoch);
        Plot accuracy = Panel(epochs, "Accuracy (%)", Alignment.LowerRight, accuracies, keptEpoch);
        Plot rate = LearningRatePanel(history, learningRates);

        var figure = new Multiplot();
        // A new multiplot holds one empty plot: replace it.
        figure.Reset(loss);
        figure.AddPlot(accuracy);
        figure.AddPlot(rate);
        figure.Layout = new ScottPlot.MultiplotLayouts.Columns();
        return PlotStyle.ToPng(figure, 1800, 480);
    }

    private static Plot Panel(double[] epochs, string title, Alignment legend, IReadOnlyList<(string Name, double[] Values, Color Color)> series, int? keptEpoch)
    {
        Plot plot = PlotStyle.NewPlot();
        if (keptEpoch is { } kept)
        {
            var line = plot.Add.VerticalLine(kept, 1.5f, Colors.Gray, LinePattern.Dashed);
            line.LegendText = string.Create(CultureInfo.InvariantCulture, $"best epoch, weights kept ({kept})");
        }
        foreach (var (name, values, color) in series)
        {
            var line = plot.Add.Scatter(epochs, values, color);
            line.LegendText = name;
            line.LineWidth = 2;
            line.MarkerSize = 7;
        }
        EpochAxis(plot, epochs.Length, 0.5);
        plot.Title(title, size: 16);
        plot.ShowLegend(legend);
        return plot;
    }

    // The rate of every step at its place in the run (step s of B per epoch ends at epoch (s + 1) / B), and each epoch's
    // recorded rate (its last step's) as a marker at the epoch's end. A rate that spans two or more decades gets a log axis.
    private static Plot LearningRatePanel(IReadOnlyList<EpochMetrics> history, LearningRateCurve? curve)
    {
        Plot plot = PlotStyle.NewPlot();
        double[] recorded = history.Select(h => h.LearningRate).ToArray();
        double[] all = curve is null ? recorded : [.. curve.Rates, .. recorded];
        double positiveMin = all.Where(r => r > 0).DefaultIfEmpty(0).Min(), max = all.DefaultIfEmpty(0).Max();
        bool log = positiveMin > 0 && max / positiveMin >= 100 && all.All(r => r > 0);
        Func<double, double> y = log ? Math.Log10 : r => r;
        if (curve is not null && curve.Rates.Count > 0)
        {
            // At most a few thousand points: every k-th step, and always each epoch's last (where a step decay's drop lands).
            int stride = Math.Max(1, curve.Rates.Count / 3000);
            var xs = new List<double>();
            var ys = new List<double>();
            for (int s = 0; s < curve.Rates.Count; s++)
            {
                if ((s + 1) % stride != 0 && (s + 1) % curve.StepsPerEpoch != 0 && s != 0) continue;
                xs.Add((s + 1) / (double)curve.StepsPerEpoch);
                ys.Add(y(curve.Rates[s]));
            }
            var steps = plot.Add.Scatter(xs.ToArray(), ys.ToArray(), PlotStyle.Rate);
            steps.LegendText = "each step";
            steps.LineWidth = 2;
            steps.MarkerSize = 0;
        }
        var epochs = plot.Add.Scatter(history.Select(h => (double)h.Epoch).ToArray(), recorded.Select(y).ToArray(), PlotStyle.Rate);
        epochs.LegendText = "epoch's last step (metrics.json)";
        epochs.LineWidth = 0;
        epochs.MarkerSize = 7;
        EpochAxis(plot, history.Count, curve is null ? 0.5 : 0);
        if (log)
        {
            plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic
            {
                MinorTickGenerator = new ScottPlot.TickGenerators.LogMinorTickGenerator(),
                IntegerTicksOnly = true,
                LabelFormatter = v => Math.Pow(10, v).ToString("G2", CultureInfo.InvariantCulture),
            };
        }
        else
        {
            plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic { LabelFormatter = v => v.ToString("G3", CultureInfo.InvariantCulture) };
        }
        // A constant rate would sit on an axis of zero height: show it from 0. Otherwise leave room above the curve for the legend.
        if (all.Length == 0 || all.Min() == max) plot.Axes.SetLimitsY(0, Math.Max(max, 1e-12) * 1.6);
        else plot.Axes.Margins(bottom: 0.05, top: 0.3);
        plot.Title(log ? "Learning rate (log scale)" : "Learning rate", size: 16);
        plot.ShowLegend(Alignment.UpperRight);
        return plot;
    }

    // One tick per epoch (thinned out for long runs), never fractional epochs.
    private static void EpochAxis(Plot plot, int count, double left)
    {
        int step = Math.Max(1, (int)Math.Ceiling(count / 15.0));
        double[] ticks = Enumerable.Range(1, count).Where((_, i) => i % step == 0).Select(e => (double)e).ToArray();
        plot.Axes.Bottom.SetTicks(ticks, ticks.Select(t => t.ToString(CultureInfo.InvariantCulture)).ToArray());
        plot.Axes.SetLimitsX(left, count + 0.5);
        plot.XLabel("Epoch");
    }
}
