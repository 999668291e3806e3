using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ModelGen.Serving.Tests.Harness;

/// <summary>
/// A real Kestrel server on 127.0.0.1 with a port the system picks, set up as an app would: CreateSlimBuilder,
/// AddInferenceModel, MapInferenceProtocol. Its log lines are kept for the tests to read.
/// </summary>
public sealed class ServingHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private ServingHost(WebApplication app, TestLog log, HttpClient client)
    {
        _app = app;
        Log = log;
        Client = client;
    }

    /// <summary>A client whose base address is the server's.</summary>
    public HttpClient Client { get; }

    /// <summary>What the server logged.</summary>
    public TestLog Log { get; }

    /// <summary>The app's services (the repository, the metrics).</summary>
    public IServiceProvider Services => _app.Services;

    /// <summary>Starts a server with the models <paramref name="register"/> adds.</summary>
    public static async Task<ServingHost> StartAsync(Action<IServiceCollection> register, Action<InferenceServerOptions>? server = null)
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var log = new TestLog();
        builder.Logging.ClearProviders().AddProvider(log).SetMinimumLevel(LogLevel.Debug);
        builder.Services.AddInferenceServer(server);
        register(builder.Services);
        WebApplication app = builder.Build();
        app.MapInferenceProtocol();
        await app.StartAsync();
        string address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        var client = new HttpClient { BaseAddress = new Uri(address), Timeout = TimeSpan.FromSeconds(60) };
        return new ServingHost(app, log, client);
    }

    /// <summary>Stops the server as SIGTERM would: no new connections, requests in flight finish.</summary>
    public Task StopAsync() => _app.StopAsync();

    /// <summary>POSTs <paramref name="json"/> to <paramref name="path"/>.</summary>
    public Task<HttpResponseMessage> PostAsync(string path, string json)
    {
        var content = new StringContent(json, Encoding.UTF8);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return Client.PostAsync(path, content);
    }

    /// <summary>POSTs and parses the answer, whatever its status.</summary>
    public async Task<(int Status, JsonElement Body)> InferAsync(string json, string model = "tiny")
    {
        using HttpResponseMessage response = await PostAsync($"/v2/models/{model}/infer", json);
        string text = await response.Content.ReadAsStringAsync();
        using JsonDocument document = JsonDocument.Parse(text);
        return ((int)response.StatusCode, document.RootElement.Clone());
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

/// <summary>Service lookup without importing Microsoft.Extensions.DependencyInjection into every test file.</summary>
public static class ServiceProviderExtensions
{
    public static T GetRequiredServiceOf<T>(this IServiceProvider services) where T : notnull => services.GetRequiredService<T>();
}
