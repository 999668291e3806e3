using System.Globalization;
using System.Text;

namespace ModelGen.Benchmarks.Compare.Reports;

/// <summary>The comparison as Markdown: a header saying how and where it was measured, then the table. The console shows the same text.</summary>
public static class MarkdownReport
{
    public static string Format(CompareReport report)
    {
        var text = new StringBuilder();
        string ort = $"ONNX Runtime ({report.Threads} thread{(report.Threads == 1 ? "" : "s")})";
        text.AppendLine($"# ModelGen vs TorchSharp vs ONNX Runtime ({(report.Quick ? "quick" : "full")} run)");
        text.AppendLine();
        text.AppendLine($"- Machine: {report.Machine.Cpu}, {report.Machine.LogicalCores} logical cores, {report.Machine.Simd}; ModelGen kernels: {report.Machine.KernelVectorPath}; {report.Machine.Os}; {report.Machine.Runtime}");
        text.AppendLine($"- Load average (1/5/15 min) before: {report.LoadBefore}, after: {report.LoadAfter}");
        text.AppendLine($"- Data: {report.Data} ({report.NonZeroShare:P1} of pixels non-zero)");
        text.AppendLine($"- Threads per engine: {report.Threads}; {string.Join(", ", report.Versions.Select(v => v.Key + " " + v.Value))}");
        text.AppendLine($"- Each figure is the median of {string.Join(", ", report.Repetitions.Select(r => r.Value + " " + r.Key))} repetitions, engines alternating; measured {report.Time:yyyy-MM-dd HH:mm} UTC");
        text.AppendLine();
        text.AppendLine($"| | ModelGen | TorchSharp | {ort} | ONNX Runtime (1 thread) | TorchSharp / ModelGen | {ort} / ModelGen | ONNX Runtime (1 thread) / ModelGen |");
        text.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|");
        foreach (MetricResult metric in report.Metrics)
        {
            text.Append("| ").Append(metric.Title);
            foreach (string engine in MetricResult.Engines) text.Append(" | ").Append(Figure(metric, engine));
            foreach (string engine in MetricResult.Engines.Skip(1)) text.Append(" | ").Append(metric.Ratio(engine) is { } r ? r.ToString("0.0", CultureInfo.InvariantCulture) + "×" : "—");
            text.AppendLine(" |");
        }
        text.AppendLine();
        text.AppendLine("Best repetition of each engine (the table above gives medians), and the ratios of the bests:");
        text.AppendLine();
        text.AppendLine($"| | ModelGen | TorchSharp | {ort} | ONNX Runtime (1 thread) | TorchSharp / ModelGen | {ort} / ModelGen | ONNX Runtime (1 thread) / ModelGen |");
        text.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|");
        foreach (MetricResult metric in report.Metrics.Where(m => m.IsTime))
        {
            text.Append("| ").Append(metric.Title);
            foreach (string engine in MetricResult.Engines) text.Append(" | ").Append(metric.Best.TryGetValue(engine, out double best) ? Format(metric, best) : "—");
            foreach (string engine in MetricResult.Engines.Skip(1)) text.Append(" | ").Append(metric.BestRatio(engine) is { } r ? r.ToString("0.0", CultureInfo.InvariantCulture) + "×" : "—");
            text.AppendLine(" |");
        }
        text.AppendLine();
        text.AppendLine("Ratios above 1 mean ModelGen is faster. Bytes are managed (.NET) bytes allocated per call on the calling thread; libtorch's and ONNX Runtime's native allocations are not counted.");
        if (report.Checks.Count > 0)
        {
            text.AppendLine();
            foreach (string check in report.Checks) text.AppendLine("- " + check);
        }
        return text.ToString();
    }

    private static string Figure(MetricResult metric, string engine)
    {
        if (!metric.Figures.TryGetValue(engine, out double value)) return "—";
        return Format(metric, value);
    }

    private static string Format(MetricResult metric, double value)
    {
        return metric.Unit switch
        {
            "bytes" => value.ToString("N0", CultureInfo.InvariantCulture),
            "s" => value.ToString(value < 1 ? "0.000" : "0.00", CultureInfo.InvariantCulture) + " s",
            _ => value.ToString(value < 10 ? "0.00" : "0.0", CultureInfo.InvariantCulture) + " " + metric.Unit,
        };
    }
}
