using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace ModelGen.WebBench.Runner;

/// <summary>benchmarks/results/browser.md from the page's result.</summary>
internal static class Report
{
    private const string ModelGen = "ModelGen (.NET wasm)";
    private const string Ort = "ONNX Runtime Web (wasm)";

    public static string Markdown(JsonObject result)
    {
        var text = new StringBuilder();
        JsonObject machine = result["machine"]!.AsObject();
        JsonObject info = result["modelgen"]!.AsObject();
        Line(text, "# In the browser: ModelGen, ONNX Runtime Web and TensorFlow.js");
        Line(text);
        Line(text, $"`{result["command"]}`, {result["date"]}. Headless Chromium {result["chromium"]}, {machine["cpu"]} "
            + $"({((bool)machine["avx512f"]! ? "avx512f" : "no avx512f")}, {machine["cores"]} cores), load average {machine["loadAverageBefore"]} before, {machine["loadAverageAfter"]} after.");
        Line(text, $"ModelGen: {info["runtime"]}, interpreter + jiterpreter (no AOT), vector path {info["vectorPath"]} "
            + $"(Vector128 accelerated: {info["vector128"]}), {info["kernelThreads"]} kernel thread. ONNX Runtime Web {result["ort"]!["version"]} "
            + $"(wasm backend, 1 thread), TensorFlow.js {result["tfjs"]!["version"]} (wasm and cpu backends); the page is not cross-origin isolated, so no engine has threads.");
        Line(text, "Same weights everywhere (seed 2026, ModelGen's safetensors and ONNX files); inputs are the first 1000 MNIST test images. "
            + $"Before timing, each engine's probabilities matched ModelGen's within {result["tolerance"]} on 8 single samples and the whole batch.");
        Line(text, "Times are medians over repetitions after warm-up, measured in the page (JavaScript calling the engine, input in and probabilities out).");
        foreach (string model in new[] { "mlp", "convnet" })
        {
            var rows = result["timings"]!.AsArray().Where(t => (string)t!["model"]! == model && t!["batch"] is not null).ToList();
            if (rows.Count == 0) continue;
            double mg = Single(rows, ModelGen);
            Line(text);
            Line(text, model == "mlp" ? "## MLP 784-128 ReLU-10 softmax" : "## Convnet (Keras MNIST example: 2 conv 3×3 + max pool, dense 10)");
            Line(text);
            Line(text, "| engine | one prediction | ModelGen ÷ engine | batch of 1000 | per image in the batch |");
            Line(text, "|---|---:|---:|---:|---:|");
            foreach (JsonNode? row in rows)
            {
                double single = (double)row!["single"]!["median"]!;
                double batch = (double)row["batch"]!["median"]!;
                Line(text, $"| {row["engine"]} | {Micro(single)} | {(mg / single).ToString("0.00", CultureInfo.InvariantCulture)}× | {batch.ToString("0.00", CultureInfo.InvariantCulture)} ms | {Micro(batch / 1000)} |");
            }
            JsonNode? inside = result["timings"]!.AsArray().FirstOrDefault(t => (string)t!["model"]! == model && t!["batch"] is null);
            if (inside is not null)
                Line(text, $"\nModelGen's Predict timed inside .NET (no JavaScript call): {Micro((double)inside["single"]!["median"]!)}; "
                    + $"allocated bytes per call: {inside["allocatedBytesPerCall"]}.");
            double ort = Single(rows, Ort);
            double tf = Math.Min(Single(rows, "TensorFlow.js (wasm)"), Single(rows, "TensorFlow.js (cpu)"));
            Line(text, $"\nGoals for one prediction: faster than TensorFlow.js's fastest backend: {(mg < tf ? "met" : "NOT met")} "
                + $"({(tf / mg).ToString("0.00", CultureInfo.InvariantCulture)}× its speed); within 1.5× of ONNX Runtime Web: {(mg <= 1.5 * ort ? "met" : "NOT met")} "
                + $"({(mg / ort).ToString("0.00", CultureInfo.InvariantCulture)}× its time).");
        }
        return text.ToString();
    }

    private static double Single(List<JsonNode?> rows, string engine) =>
        (double)rows.First(r => (string)r!["engine"]! == engine)!["single"]!["median"]!;

    private static string Micro(double milliseconds) =>
        (milliseconds * 1000).ToString(milliseconds * 1000 < 100 ? "0.0" : "0", CultureInfo.InvariantCulture) + " µs";

    private static void Line(StringBuilder text, string line = "") => text.Append(line).Append('\n');
}
