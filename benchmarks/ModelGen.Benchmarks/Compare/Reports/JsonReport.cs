using System.Text.Json;

namespace ModelGen.Benchmarks.Compare.Reports;

/// <summary>
/// The comparison as JSON: the conditions, then "metrics", one object per metric with each engine's
/// figure (the median; null when the engine is not in that row), the ratios to ModelGen (engine / ModelGen, so
/// above 1 means ModelGen is faster), each engine's best repetition ("ENGINE_best") and the ratios of the bests
/// ("ratio_ENGINE_best"), and every repetition's figure.
/// </summary>
public static class JsonReport
{
    public static byte[] Format(CompareReport report)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions
        {
            Indented = true,
            // Plain "+" and "µ" in the file: it is read by people as well as programs, never embedded in HTML.
            Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        }))
        {
            json.WriteStartObject();
            json.WriteString("measured_utc", report.Time.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ"));
            json.WriteBoolean("quick", report.Quick);
            json.WriteNumber("threads", report.Threads);
            json.WriteStartObject("machine");
            json.WriteString("cpu", report.Machine.Cpu);
            json.WriteNumber("logical_cores", report.Machine.LogicalCores);
            json.WriteString("simd", report.Machine.Simd);
            json.WriteString("kernel_vector_path", report.Machine.KernelVectorPath);
            json.WriteNumber("vector_width_bits", ModelGen.VectorPath.Bits);
            json.WriteString("os", report.Machine.Os);
            json.WriteString("runtime", report.Machine.Runtime);
            json.WriteString("load_average_before", report.LoadBefore);
            json.WriteString("load_average_after", report.LoadAfter);
            json.WriteEndObject();
            json.WriteStartObject("data");
            json.WriteString("description", report.Data);
            json.WriteBoolean("mnist", report.IsMnist);
            json.WriteNumber("non_zero_pixel_share", Math.Round(report.NonZeroShare, 4));
            json.WriteEndObject();
            json.WriteStartObject("versions");
            foreach (var (name, version) in report.Versions) json.WriteString(name, version);
            json.WriteEndObject();
            json.WriteStartObject("repetitions");
            foreach (var (name, count) in report.Repetitions) json.WriteNumber(name, count);
            json.WriteEndObject();

            json.WriteStartArray("metrics");
            foreach (MetricResult metric in report.Metrics)
            {
                json.WriteStartObject();
                json.WriteString("metric", metric.Key);
                json.WriteString("title", metric.Title);
                json.WriteString("unit", metric.Unit);
                foreach (string engine in MetricResult.Engines) Number(json, engine, metric.Figures.TryGetValue(engine, out double v) ? v : null);
                foreach (string engine in MetricResult.Engines.Skip(1)) Number(json, "ratio_" + engine, metric.Ratio(engine));
                // The figures above are medians; beside them, each engine's best repetition and the ratios of the bests
                // (TorchSharp's times are bimodal on shared VMs: the median alone can hide which mode a run was in).
                foreach (string engine in MetricResult.Engines) Number(json, engine + "_best", metric.Best.TryGetValue(engine, out double b) ? b : null);
                foreach (string engine in MetricResult.Engines.Skip(1)) Number(json, "ratio_" + engine + "_best", metric.BestRatio(engine));
                json.WriteStartObject("repetitions");
                foreach (var (engine, values) in metric.Repetitions)
                {
                    json.WriteStartArray(engine);
                    foreach (double value in values) json.WriteNumberValue(Round(value));
                    json.WriteEndArray();
                }
                json.WriteEndObject();
                json.WriteEndObject();
            }
            json.WriteEndArray();

            json.WriteStartArray("checks");
            foreach (string check in report.Checks) json.WriteStringValue(check);
            json.WriteEndArray();
            json.WriteEndObject();
        }
        return buffer.ToArray();
    }

    private static void Number(Utf8JsonWriter json, string name, double? value)
    {
        if (value is { } v && double.IsFinite(v)) json.WriteNumber(name, Round(v));
        else json.WriteNull(name);
    }

    // Four significant digits: more would only be noise.
    private static double Round(double value) =>
        value == 0 || !double.IsFinite(value) ? value : Math.Round(value, Math.Clamp(3 - (int)Math.Floor(Math.Log10(Math.Abs(value))), 0, 15));
}
