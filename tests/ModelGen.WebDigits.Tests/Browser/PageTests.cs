using System.Globalization;
using ModelGen.WebDigits.Tests.Strokes;
using Xunit.Abstractions;

namespace ModelGen.WebDigits.Tests.Browser;

/// <summary>
/// The published page in headless Chromium, used as a visitor uses it: digits drawn as pointer strokes, the answer
/// following the pen, clear, the hint, switching networks, "teach it", and touch. Every test ends with a clean console.
/// Screenshots go to artifacts/webdigits.
/// </summary>
[Collection(BrowserTests.Name)]
public sealed class PageTests(PublishedPage published, ITestOutputHelper output)
{
    [Fact]
    public async Task The_convnet_reads_at_least_9_of_10_drawn_digits()
    {
        await using DigitsPage page = await DigitsPage.OpenAsync(published);
        Assert.True(await page.HintShownAsync(), "An untouched canvas shows the hint.");
        Assert.Null(await page.DigitAsync());
        await page.ScreenshotAsync("empty-canvas");

        var answers = new List<string>();
        int right = 0;
        for (int digit = 0; digit < 10; digit++)
        {
            await page.ClearAsync();
            await page.DrawAsync(DigitStrokes.Of(digit));
            int? read = await page.DigitAsync();
            double[] p = await page.ProbabilitiesAsync();
            answers.Add($"{digit}→{(read is { } shown ? shown.ToString(CultureInfo.InvariantCulture) : "hint")} ({(read is { } r ? p[r] : 0):P0})");
            if (read == digit) right++;
            await page.ScreenshotAsync($"cnn-drew-{digit}");
        }
        output.WriteLine("convnet: " + string.Join(", ", answers));
        Assert.True(right >= 9, $"The convnet read {right} of 10 drawn digits: {string.Join(", ", answers)}");
        page.AssertCleanConsole();
    }

    [Fact]
    public async Task The_answer_updates_while_the_stroke_is_still_being_drawn()
    {
        await using DigitsPage page = await DigitsPage.OpenAsync(published);
        (double X, double Y)[] seven = DigitStrokes.Of(7)[0];
        int before = await page.ReadsAsync();

        // The bar alone, with the button still down.
        await page.StrokeAsync(seven, until: 3);
        await page.Page.WaitForFunctionAsync($"() => window.webDigits.reads > {before} && window.webDigits.digit !== null");
        int readsMidStroke = await page.ReadsAsync();
        double[] midStroke = await page.ProbabilitiesAsync();
        await page.ScreenshotAsync("mid-stroke");

        // The stem: the page reads again, before the pen is lifted, and now sees a 7.
        var box = (await page.Page.Locator("#canvas").BoundingBoxAsync())!;
        foreach (var (x, y) in seven[3..])
            await page.Page.Mouse.MoveAsync((float)(box.X + x * box.Width), (float)(box.Y + y * box.Height), new() { Steps = 3 });
        await page.Page.WaitForFunctionAsync($"() => window.webDigits.reads > {readsMidStroke} && window.webDigits.digit === 7");
        double[] later = await page.ProbabilitiesAsync();
        await page.ScreenshotAsync("stroke-finished-pen-down");
        await page.Page.Mouse.UpAsync();

        Assert.Equal(10, midStroke.Length);
        Assert.NotEqual(midStroke, later);
        page.AssertCleanConsole();
    }

    [Fact]
    public async Task Clear_and_a_dot_show_the_hint_instead_of_a_prediction()
    {
        await using DigitsPage page = await DigitsPage.OpenAsync(published);
        await page.DrawAsync(DigitStrokes.Of(2));
        Assert.Equal(2, await page.DigitAsync());
        Assert.False(await page.HintShownAsync());
        Assert.True(await page.Page.Locator("#teach").IsVisibleAsync(), "With a prediction, 'teach it' is offered.");

        await page.ClearAsync();
        Assert.True(await page.HintShownAsync());
        Assert.Null(await page.DigitAsync());
        Assert.Equal("", await page.Page.Locator("#prediction").InnerTextAsync());
        Assert.False(await page.Page.Locator("#teach").IsVisibleAsync());

        // A tap of the pen is too small to be a digit: still the hint.
        await page.DrawAsync([[(0.5, 0.5), (0.505, 0.5)]]);
        Assert.True(await page.HintShownAsync());
        Assert.Null(await page.DigitAsync());
        await page.ScreenshotAsync("dot-hint");
        page.AssertCleanConsole();
    }

    [Fact]
    public async Task Switching_networks_shows_each_ones_accuracy_and_reads_the_drawing_with_it()
    {
        await using DigitsPage page = await DigitsPage.OpenAsync(published);
        await page.DrawAsync(DigitStrokes.Of(3));
        Assert.Equal(3, await page.DigitAsync());
        var manifest = Session.ShippedFiles.Manifest().Models;
        foreach (string network in new[] { "mlp", "resnet", "cnn" })
        {
            await page.SelectNetworkAsync(network);
            string info = await page.Page.Locator("#network-info").InnerTextAsync();
            double accuracy = manifest.Single(m => m.Name == network).TestAccuracy;
            Assert.Contains($"{100 * accuracy:F2} % on MNIST's 10,000 test digits", info);
            Assert.Equal(3, await page.DigitAsync());
            await page.ScreenshotAsync($"network-{network}");
        }
        // A new drawing with the ResNet.
        await page.SelectNetworkAsync("resnet");
        await page.ClearAsync();
        await page.DrawAsync(DigitStrokes.Of(8));
        Assert.Equal(8, await page.DigitAsync());
        page.AssertCleanConsole();
    }

    [Fact]
    public async Task Teach_it_changes_the_answer_in_the_browser_and_forget_undoes_it()
    {
        await using DigitsPage page = await DigitsPage.OpenAsync(published);
        await page.DrawAsync(DigitStrokes.Of(1));
        Assert.Equal(1, await page.DigitAsync());

        string status = await page.TeachAsync(7);
        output.WriteLine(status);
        Assert.Equal(7, await page.DigitAsync());
        Assert.Matches(@"^Taught ""7"" in \d+ training steps? \(\d+ ms, last batch loss [0-9.]+\): it now reads 7\.$", status);
        await page.ScreenshotAsync("taught-7");

        int reads = await page.ReadsAsync();
        await page.Page.ClickAsync("#reset");
        await page.Page.WaitForFunctionAsync($"() => window.webDigits.reads > {reads}");
        Assert.Equal(1, await page.DigitAsync());
        page.AssertCleanConsole();
    }

    [Fact]
    public async Task Touch_strokes_draw_like_the_mouse()
    {
        await using DigitsPage page = await DigitsPage.OpenAsync(published, touch: true);
        await page.DrawByTouchAsync(DigitStrokes.Of(4));
        Assert.Equal(4, await page.DigitAsync());
        await page.ScreenshotAsync("touch-4");
        page.AssertCleanConsole();
    }
}
