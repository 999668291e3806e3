using System.Diagnostics;
using Microsoft.Playwright;

namespace ModelGen.WebDigits.Tests.Browser;

/// <summary>The browser tests share one published page, one static site and one headless Chromium.</summary>
[CollectionDefinition(Name)]
public sealed class BrowserTests : ICollectionFixture<PublishedPage>
{
    public const string Name = "Published WebDigits page in Chromium";
}

/// <summary>
/// `dotnet publish samples/WebDigits` into a temporary folder (what a user uploads to a static host), served by a
/// <see cref="StaticSite"/>, opened in Debian's Chromium through Playwright. Playwright's own browser download is not
/// used: the browser is /usr/bin/chromium (or MODELGEN_CHROMIUM); without it the tests fail and say how to install it.
/// </summary>
public sealed class PublishedPage : IAsyncLifetime
{
    private readonly string _publish = Directory.CreateTempSubdirectory("webdigits-publish-").FullName;
    private IPlaywright? _playwright;
    private StaticSite? _site;

    /// <summary>The browser.</summary>
    public IBrowser Browser { get; private set; } = null!;

    /// <summary>The page's address.</summary>
    public string Url => _site!.Url;

    /// <summary>The published static files (publish/wwwroot).</summary>
    public string WebRoot => Path.Combine(_publish, "wwwroot");

    /// <summary>The browser's version, as it reports it.</summary>
    public string BrowserVersion => Browser.Version;

    public async Task InitializeAsync()
    {
        string chromium = Environment.GetEnvironmentVariable("MODELGEN_CHROMIUM") is { Length: > 0 } c ? c : "/usr/bin/chromium";
        if (!File.Exists(chromium))
            throw new InvalidOperationException($"The browser tests need Chromium at {chromium} and it is not there: install it with `apt-get install -y chromium` (.ci/run does), or set MODELGEN_CHROMIUM to a Chromium executable.");
        await PublishAsync();
        _site = await StaticSite.StartAsync(WebRoot);
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = chromium,
            Headless = true,
            // Chromium's sandbox refuses to run as root, which CI containers are.
            Args = Environment.UserName == "root" ? ["--no-sandbox"] : [],
        });
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null) await Browser.CloseAsync();
        _playwright?.Dispose();
        if (_site is not null) await _site.DisposeAsync();
        Directory.Delete(_publish, recursive: true);
    }

    private async Task PublishAsync()
    {
        string project = Path.Combine(RepositoryPaths.WebDigits, "WebDigits.csproj");
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet")
        {
            ArgumentList = { "publish", project, "-c", "Release", "-o", _publish, "-nologo" },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using Process process = Process.Start(start)!;
        Task<string> output = process.StandardOutput.ReadToEndAsync();
        Task<string> errors = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(10));
        await process.WaitForExitAsync(timeout.Token);
        if (process.ExitCode != 0 || !File.Exists(Path.Combine(WebRoot, "index.html")))
            throw new InvalidOperationException($"dotnet publish {project} failed (exit code {process.ExitCode}):\n{await output}\n{await errors}");
    }
}
