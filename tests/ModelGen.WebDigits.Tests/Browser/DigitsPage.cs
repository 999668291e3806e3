using Microsoft.Playwright;

namespace ModelGen.WebDigits.Tests.Browser;

/// <summary>
/// One visitor's tab on the page: draws strokes with the mouse or with touch, reads what the page shows, and records
/// every console error and uncaught exception (a test ends by asserting there were none).
/// </summary>
public sealed class DigitsPage : IAsyncDisposable
{
    private readonly IBrowserContext _context;
    private readonly List<string> _errors = [];

    private DigitsPage(IBrowserContext context, IPage page)
    {
        _context = context;
        Page = page;
        page.Console += (_, message) =>
        {
            if (message.Type == "error") _errors.Add("console.error: " + message.Text);
        };
        page.PageError += (_, error) => _errors.Add("uncaught: " + error);
    }

    /// <summary>The Playwright page.</summary>
    public IPage Page { get; }

    /// <summary>Opens the page in a new browser context (a new visitor) and waits until it is ready to draw.</summary>
    public static async Task<DigitsPage> OpenAsync(PublishedPage published, bool touch = false, string? url = null)
    {
        IBrowserContext context = await published.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            ViewportSize = new ViewportSize { Width = 1000, Height = 800 },
            HasTouch = touch,
        });
        // CI runs other test assemblies beside these: generous waits, so that a busy machine is slow, not red.
        context.SetDefaultTimeout(90_000);
        var page = new DigitsPage(context, await context.NewPageAsync());
        await page.Page.GotoAsync(url ?? published.Url);
        await page.WaitReadyAsync();
        return page;
    }

    /// <summary>Waits until the page (after a navigation or a reload) is ready to draw.</summary>
    public Task WaitReadyAsync() =>
        Page.WaitForFunctionAsync("() => window.webDigits?.ready === true", null, new PageWaitForFunctionOptions { Timeout = 120_000 });

    /// <summary>The digit the page shows, or null while it shows the hint.</summary>
    public Task<int?> DigitAsync() => Page.EvaluateAsync<int?>("() => window.webDigits.digit");

    /// <summary>The ten bars' probabilities (empty while the hint shows).</summary>
    public Task<double[]> ProbabilitiesAsync() => Page.EvaluateAsync<double[]>("() => window.webDigits.probabilities");

    /// <summary>How many times the page has read the canvas.</summary>
    public Task<int> ReadsAsync() => Page.EvaluateAsync<int>("() => window.webDigits.reads");

    /// <summary>Whether the empty-canvas hint is showing.</summary>
    public Task<bool> HintShownAsync() => Page.Locator("#hint").IsVisibleAsync();

    /// <summary>
    /// Draws <paramref name="strokes"/> (unit-square polylines) with the mouse, a few pointer moves per segment as a
    /// hand makes them, and waits for the page to read the finished drawing.
    /// </summary>
    public async Task DrawAsync(IEnumerable<(double X, double Y)[]> strokes)
    {
        foreach ((double X, double Y)[] stroke in strokes)
        {
            await StrokeAsync(stroke, until: stroke.Length);
            await Page.Mouse.UpAsync();
        }
        await SettledAsync();
    }

    /// <summary>Starts a mouse stroke and draws its points up to <paramref name="until"/>, leaving the button down.</summary>
    public async Task StrokeAsync((double X, double Y)[] stroke, int until)
    {
        var box = await CanvasAsync();
        await Page.Mouse.MoveAsync((float)(box.X + stroke[0].X * box.Width), (float)(box.Y + stroke[0].Y * box.Height));
        await Page.Mouse.DownAsync();
        for (int i = 1; i < until; i++)
            await Page.Mouse.MoveAsync((float)(box.X + stroke[i].X * box.Width), (float)(box.Y + stroke[i].Y * box.Height), new MouseMoveOptions { Steps = 3 });
    }

    /// <summary>Draws <paramref name="strokes"/> as touch input (Chromium's touch events, as a finger makes them), then waits for the read.</summary>
    public async Task DrawByTouchAsync(IEnumerable<(double X, double Y)[]> strokes)
    {
        var box = await CanvasAsync();
        ICDPSession cdp = await _context.NewCDPSessionAsync(Page);
        foreach ((double X, double Y)[] stroke in strokes)
        {
            for (int i = 0; i < stroke.Length; i++)
            {
                var point = new Dictionary<string, object> { ["x"] = box.X + stroke[i].X * box.Width, ["y"] = box.Y + stroke[i].Y * box.Height };
                await cdp.SendAsync("Input.dispatchTouchEvent", new Dictionary<string, object>
                {
                    ["type"] = i == 0 ? "touchStart" : "touchMove",
                    ["touchPoints"] = new[] { point },
                });
            }
            await cdp.SendAsync("Input.dispatchTouchEvent", new Dictionary<string, object> { ["type"] = "touchEnd", ["touchPoints"] = Array.Empty<object>() });
        }
        await SettledAsync();
    }

    /// <summary>Clicks Clear and waits for the page to read the empty canvas.</summary>
    public async Task ClearAsync()
    {
        int reads = await ReadsAsync();
        await Page.ClickAsync("#clear");
        await Page.WaitForFunctionAsync($"() => window.webDigits.reads > {reads}");
    }

    /// <summary>Selects network <paramref name="name"/> and waits until it has read the canvas with it.</summary>
    public async Task SelectNetworkAsync(string name)
    {
        int reads = await ReadsAsync();
        await Page.SelectOptionAsync("#network", name);
        await Page.WaitForFunctionAsync($"() => document.body.dataset.network === '{name}' && window.webDigits.reads > {reads} && !document.getElementById('network').disabled",
            null, new PageWaitForFunctionOptions { Timeout = 60_000 });
    }

    /// <summary>Tells the page the drawing is <paramref name="digit"/> ("teach it") and waits for the lesson to end.</summary>
    public async Task<string> TeachAsync(int digit)
    {
        int reads = await ReadsAsync();
        await Page.ClickAsync($"#teach-digits button[data-digit='{digit}']");
        await Page.WaitForFunctionAsync($"() => window.webDigits.reads > {reads}", null, new PageWaitForFunctionOptions { Timeout = 120_000 });
        return await Page.Locator("#teach-status").InnerTextAsync();
    }

    /// <summary>Saves a screenshot of the page as artifacts/webdigits/<paramref name="name"/>.png.</summary>
    public Task ScreenshotAsync(string name) =>
        Page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(RepositoryPaths.Artifacts, name + ".png"), FullPage = true });

    /// <summary>Fails with every console error and uncaught exception the page had, if it had any.</summary>
    public void AssertCleanConsole() => Assert.True(_errors.Count == 0, "The page's console had errors:\n" + string.Join("\n", _errors));

    public async ValueTask DisposeAsync() => await _context.CloseAsync();

    private async Task<LocatorBoundingBoxResult> CanvasAsync() =>
        await Page.Locator("#canvas").BoundingBoxAsync() ?? throw new InvalidOperationException("The drawing canvas is not on screen.");

    // The page reads at most once per animation frame, in a frame callback queued by the last pointer event: two more
    // frames and that read has run.
    private async Task SettledAsync() => await Page.EvaluateAsync("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))");
}
