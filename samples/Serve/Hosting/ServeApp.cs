using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using ModelGen.Serving;
using ModelGen.Samples.Serve.Predict;
using OpenTelemetry.Metrics;

namespace ModelGen.Samples.Serve.Hosting;

/// <summary>The web app: Kestrel on the asked addresses, the model behind the protocol, Prometheus metrics at /metrics, one-line or JSON logs.</summary>
internal static class ServeApp
{
    public static WebApplication Build(ServeSettings settings, MnistNetwork network)
    {
        // Slim: no MVC, no Razor, no IIS; only what minimal endpoints need, which NativeAOT keeps small.
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
        builder.WebHost.UseUrls(settings.Urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = settings.MaxRequestBodyBytes;
        });
        // On SIGTERM or Ctrl+C the host stops taking connections and waits this long for requests in flight.
        builder.Services.Configure<HostOptions>(host => host.ShutdownTimeout = settings.ShutdownTimeout);
        ConfigureLogging(builder.Logging, settings.JsonLogs);

        builder.Services.AddInferenceServer(server =>
        {
            server.MaxRequestBodyBytes = settings.MaxRequestBodyBytes;
            server.MaxConcurrentInferences = settings.MaxConcurrency;
            server.QueueTimeout = settings.QueueTimeout;
        });
        network.Register(builder.Services, settings.ModelName, model =>
        {
            model.ModelPath = settings.ModelPath;
            model.WatchFile = settings.WatchFile;
            model.MaxBatchSize = settings.MaxBatchSize;
        });
        builder.Services.AddOpenTelemetry().WithMetrics(metrics => metrics
            .AddMeter(ServingMetrics.MeterName, "Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel", "System.Runtime")
            .AddPrometheusExporter());

        WebApplication app = builder.Build();
        app.MapInferenceProtocol();
        app.MapPrometheusScrapingEndpoint(); // GET /metrics
        ServedModel served = app.Services.GetRequiredService<ModelRepository>().Find(settings.ModelName)!;
        var predict = new PredictEndpoint(served, app.Services.GetRequiredService<InferenceRunner>(), settings.MaxRequestBodyBytes);
        app.MapPost("/predict", predict.HandleAsync); // a PNG or JPEG of one digit
        return app;
    }

    private static void ConfigureLogging(ILoggingBuilder logging, bool json)
    {
        logging.ClearProviders();
        if (json)
        {
            // One JSON object per line with the message's fields (Model, Version, Path, ...) as properties.
            logging.AddJsonConsole(options =>
            {
                options.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
                options.UseUtcTimestamp = true;
            });
        }
        else
        {
            logging.AddSimpleConsole(options =>
            {
                options.SingleLine = true;
                options.TimestampFormat = "HH:mm:ss ";
            });
        }
        logging.SetMinimumLevel(LogLevel.Information);
        // ASP.NET Core's per-request lines would drown the server's own; its warnings and errors still show.
        logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        logging.AddFilter("Microsoft.Hosting.Lifetime", LogLevel.Information);
    }
}
