using System.Globalization;
using System.Text.Json;
using Microsoft.Playwright;
using ModelGen.WebDigits.Tests.Strokes;
using Xunit.Abstractions;

namespace ModelGen.WebDigits.Tests.Browser;

/// <summary>
/// What a first visit costs: the bytes the browser downloads until the first prediction (as the static host serves
/// them, compressed) and the time from navigation to the first answer; then each network's time per reading of the
/// canvas. The figures go to artifacts/webdigits/page-figures.json and the README quotes them.
/// </summary>
[Collection(BrowserTests.Name)]
public sealed class LoadFiguresTests(PublishedPage published, ITestOutputHelper output)
{
    private static readonly JsonSerializerOptions s_indented = new() { WriteIndented = true };

    [Fact]
    public async Task A_first_visit_downloads_compressed_files_and_only_the_default_network()
    {
        var finished = new List<Task<(string Url, long Bytes, string? Encoding)>>();
        IBrowserContext context = await published.Browser.NewContextAsync();
        context.SetDefaultTimeout(90_000);
        IPage tab = await context.NewPageAsync();
        tab.RequestFinished += (_, request) => finished.Add(Measure(request));

        await tab.GotoAsync(published.Url);
        await tab.WaitForFunctionAsync("() => window.webDigits?.ready === true", null, new PageWaitForFunctionOptions { Timeout = 120_000 });
        double readyMs = await tab.EvaluateAsync<double>("() => window.webDigits.readyMs");
        var files = (await Task.WhenAll(finished.ToArray())).Where(f => f.Url.StartsWith(published.Url, StringComparison.Ordinal)).ToList();
        long bytes = files.Sum(f => f.Bytes);

        // Only the default network's file before the first prediction; the others when selected.
        Assert.Contains(files, f => f.Url.EndsWith("models/cnn.safetensors", StringComparison.Ordinal));
        Assert.DoesNotContain(files, f => f.Url.EndsWith("models/mlp.safetensors", StringComparison.Ordinal) || f.Url.EndsWith("models/resnet.safetensors", StringComparison.Ordinal));
        // The runtime's and the assemblies' files come compressed, as a static host serves what publish wrote.
        var framework = files.Where(f => f.Url.Contains("/_framework/", StringComparison.Ordinal) && (f.Url.EndsWith(".wasm", StringComparison.Ordinal) || f.Url.EndsWith(".js", StringComparison.Ordinal))).ToList();
        Assert.NotEmpty(framework);
        Assert.All(framework, f => Assert.True(f.Encoding is "gzip" or "br", $"{f.Url} came without compression ({f.Encoding ?? "none"})"));
        Assert.InRange(bytes, 500_000, 8_000_000);

        // The time to the first prediction: ready, then the first reading of a drawing.
        int reads = await tab.EvaluateAsync<int>("() => window.webDigits.reads");
        await using var page = await DigitsPage.OpenAsync(published);
        var figures = new Dictionary<string, object>
        {
            ["browser"] = "Chromium " + published.BrowserVersion,
            ["firstVisitBytes"] = bytes,
            ["firstVisitEncoding"] = string.Join(", ", files.Select(f => f.Encoding ?? "identity").Distinct()),
            ["firstVisitFiles"] = files.Count,
            ["readyMs"] = Math.Round(readyMs),
        };
        await page.DrawAsync(DigitStrokes.Of(5));
        figures["firstReadMs"] = Math.Round(await page.Page.EvaluateAsync<double>("() => window.webDigits.lastReadMs"), 1);
        // Each network's time per reading of the canvas (the preprocessing and one forward pass), over the readings a
        // drawing makes while the pen moves (the median, so the first, colder ones do not count).
        foreach (string network in new[] { "mlp", "cnn", "resnet" })
        {
            await page.SelectNetworkAsync(network);
            await page.ClearAsync();
            int from = await page.Page.EvaluateAsync<int>("() => window.webDigits.readTimes.length");
            await page.DrawAsync(DigitStrokes.Of(5));
            double[] times = await page.Page.EvaluateAsync<double[]>($"() => window.webDigits.readTimes.slice({from})");
            Assert.True(times.Length >= 3, $"{network}: only {times.Length} readings while drawing a 5");
            Array.Sort(times);
            figures[$"readMs_{network}"] = Math.Round(times[times.Length / 2], 1);
            figures[$"readings_{network}"] = times.Length;
        }
        await context.CloseAsync();

        string json = JsonSerializer.Serialize(figures, s_indented);
        File.WriteAllText(Path.Combine(RepositoryPaths.Artifacts, "page-figures.json"), json);
        output.WriteLine(json);
        output.WriteLine(string.Join("\n", files.Select(f => string.Create(CultureInfo.InvariantCulture, $"{f.Bytes,10} {f.Encoding ?? "-",-5} {f.Url}"))));
        page.AssertCleanConsole();
        Assert.True(reads == 0, "The first visit read nothing before a drawing.");
    }

    private static async Task<(string Url, long Bytes, string? Encoding)> Measure(IRequest request)
    {
        RequestSizesResult sizes = await request.SizesAsync();
        IResponse? response = await request.ResponseAsync();
        string? encoding = response is null ? null : await response.HeaderValueAsync("content-encoding");
        return (request.Url, sizes.ResponseBodySize, encoding);
    }
}
