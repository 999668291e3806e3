using System.Globalization;
using ModelGen.Samples.Mnist.Data;
using ModelGen.Samples.Mnist.Training;
using Spectre.Console;

namespace ModelGen.Samples.Mnist.Cli;

/// <summary>Prints an evaluation as tables: per-class precision and recall, and the confusion matrix.</summary>
public static class EvaluationReport
{
    /// <summary>Writes both tables to <paramref name="console"/>.</summary>
    public static void Print(IAnsiConsole console, Evaluation evaluation)
    {
        console.Write(PerClassTable(evaluation));
        console.Write(ConfusionTable(evaluation));
    }

    /// <summary>Precision, recall and the number of images for each digit.</summary>
    public static Table PerClassTable(Evaluation evaluation)
    {
        var table = new Table().Title("Per digit").AddColumns("Digit", "Precision", "Recall", "Images");
        foreach (TableColumn column in table.Columns.Skip(1)) column.RightAligned();
        for (int d = 0; d < MnistData.Classes; d++)
        {
            table.AddRow(d.ToString(CultureInfo.InvariantCulture), Percent.Format(evaluation.Precision(d)),
                Percent.Format(evaluation.Recall(d)), evaluation.Support(d).ToString("N0", CultureInfo.InvariantCulture));
        }
        return table;
    }

    /// <summary>Counts by true digit (rows) and predicted digit (columns); right answers green, mistakes red.</summary>
    public static Table ConfusionTable(Evaluation evaluation)
    {
        var table = new Table().Title("Confusion matrix (rows: true digit, columns: predicted)").AddColumn(new TableColumn("true\\pred"));
        for (int p = 0; p < MnistData.Classes; p++) table.AddColumn(new TableColumn(p.ToString(CultureInfo.InvariantCulture)).RightAligned());
        for (int t = 0; t < MnistData.Classes; t++)
        {
            var cells = new List<string> { $"[bold]{t}[/]" };
            for (int p = 0; p < MnistData.Classes; p++)
            {
                int count = evaluation.Confusion[t, p];
                string text = count.ToString(CultureInfo.InvariantCulture);
                cells.Add(t == p ? $"[green]{text}[/]" : count == 0 ? $"[grey]{text}[/]" : $"[red]{text}[/]");
            }
            table.AddRow(cells.ToArray());
        }
        return table;
    }
}
