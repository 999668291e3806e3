using ModelGen.WebDigits.Tests.Strokes;
using Xunit.Abstractions;

namespace ModelGen.WebDigits.Tests.Browser;

/// <summary>
/// Offline once loaded: after one visit the page reloads, switches to networks it had not loaded, and teaches, with
/// the site gone (its own static host, stopped: connections are refused, as with no network at all).
/// </summary>
[Collection(BrowserTests.Name)]
public sealed class OfflineTests(PublishedPage published, ITestOutputHelper output)
{
    [Fact]
    public async Task After_one_visit_the_page_works_with_the_site_gone()
    {
        StaticSite site = await StaticSite.StartAsync(published.WebRoot);
        await using DigitsPage page = await DigitsPage.OpenAsync(published, url: site.Url);
        await page.Page.WaitForFunctionAsync("() => window.webDigits.offlineReady === true", null, new() { Timeout = 60_000 });
        await site.DisposeAsync();
        var refused = await Assert.ThrowsAnyAsync<Exception>(() => new HttpClient().GetAsync(site.Url));
        output.WriteLine("The site is gone: " + refused.Message);

        await page.Page.ReloadAsync();
        await page.WaitReadyAsync();
        await page.DrawAsync(DigitStrokes.Of(6));
        Assert.Equal(6, await page.DigitAsync());

        // The ResNet and the replay digits were never used on the first visit: they came with it for later.
        await page.SelectNetworkAsync("resnet");
        Assert.Equal(6, await page.DigitAsync());
        await page.SelectNetworkAsync("mlp");
        Assert.Equal(6, await page.DigitAsync());
        string taught = await page.TeachAsync(0);
        output.WriteLine(taught);
        Assert.Equal(0, await page.DigitAsync());
        await page.ScreenshotAsync("offline-taught-0");
        page.AssertCleanConsole();
    }
}
