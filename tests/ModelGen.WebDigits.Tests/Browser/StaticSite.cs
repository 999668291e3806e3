using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.StaticFiles;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Logging;

namespace ModelGen.WebDigits.Tests.Browser;

/// <summary>
/// The published page on a static host, as any would serve it: Kestrel on 127.0.0.1 (a free port), the files of
/// publish/wwwroot with their MIME types, and the precompressed .br or .gz beside a file when the browser accepts
/// that encoding (publishing writes both), so the bytes the browser downloads are the bytes a real host would send.
/// </summary>
public sealed class StaticSite : IAsyncDisposable
{
    private readonly WebApplication _app;

    private StaticSite(WebApplication app, string url) => (_app, Url) = (app, url);

    /// <summary>The site's address, ending in a slash.</summary>
    public string Url { get; }

    /// <summary>Serves <paramref name="root"/>.</summary>
    public static async Task<StaticSite> StartAsync(string root)
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        WebApplication app = builder.Build();
        var types = new FileExtensionContentTypeProvider();
        types.Mappings[".wasm"] = "application/wasm";
        types.Mappings[".safetensors"] = "application/octet-stream";
        types.Mappings[".bin"] = "application/octet-stream";
        types.Mappings[".dat"] = "application/octet-stream";
        var files = new PhysicalFileProvider(root);
        app.Use(async (context, next) =>
        {
            string path = context.Request.Path.Value ?? "/";
            if (path.EndsWith('/')) path += "index.html";
            string accepted = context.Request.Headers.AcceptEncoding.ToString();
            foreach ((string token, string suffix) in new[] { ("br", ".br"), ("gzip", ".gz") })
            {
                if (!accepted.Contains(token, StringComparison.OrdinalIgnoreCase)) continue;
                IFileInfo compressed = files.GetFileInfo(path + suffix);
                if (!compressed.Exists || !files.GetFileInfo(path).Exists) continue;
                context.Response.ContentType = types.TryGetContentType(path, out string? type) ? type : "application/octet-stream";
                context.Response.Headers.ContentEncoding = token;
                context.Response.Headers.Vary = "Accept-Encoding";
                context.Response.ContentLength = compressed.Length;
                await context.Response.SendFileAsync(compressed);
                return;
            }
            await next(context);
        });
        app.UseDefaultFiles(new DefaultFilesOptions { FileProvider = files });
        app.UseStaticFiles(new StaticFileOptions { FileProvider = files, ContentTypeProvider = types });
        await app.StartAsync();
        string url = app.Urls.First();
        return new StaticSite(app, url.EndsWith('/') ? url : url + "/");
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
