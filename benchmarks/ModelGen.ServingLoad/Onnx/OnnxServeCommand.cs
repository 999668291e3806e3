using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using ModelGen.Samples.Mnist;
using ModelGen.Serialization;
using ModelGen.Serving;

namespace ModelGen.ServingLoad.Onnx;

/// <summary>
/// <c>serving-load serve-onnx --model FILE</c>: the baseline server. The MNIST sample's model file is loaded into its
/// network, exported to ONNX (ModelGen's exporter) and served through ModelGen.Serving with ONNX Runtime as the
/// backend: the same Kestrel, endpoints, parsing and limits as <c>serve</c>, so the comparison is of the engines.
/// GET /metrics gives the bytes the process allocated, as the sample's OpenTelemetry export names them.
/// </summary>
public static class OnnxServeCommand
{
    public static async Task<int> RunAsync(Arguments arguments, TextWriter output)
    {
        string path = arguments.Text("--model", Path.Combine("mnist-output", "model.safetensors"));
        string urls = arguments.Text("--urls", "http://127.0.0.1:8081");
        int concurrency = arguments.Number("--concurrency", Environment.ProcessorCount);
        int maxBatch = arguments.Number("--max-batch", 64);
        arguments.CheckAllRead();

        IModel model = Load(path);
        string onnx = Path.Combine(Path.GetTempPath(), $"serving-load-{Environment.ProcessId}.onnx");
        model.ExportOnnx(onnx);
        TensorShape input = model.Layers[0].Input;
        using var backend = new OnnxRuntimeBackend(onnx, input.Size == model.InputSize ? input : TensorShape.Flat(model.InputSize), model.OutputSize, model.Spec);
        File.Delete(onnx);

        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
        builder.WebHost.UseUrls(urls);
        builder.Logging.ClearProviders().AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddInferenceServer(server => server.MaxConcurrentInferences = concurrency);
        builder.Services.AddInferenceModel("mnist", _ => backend, o => o.MaxBatchSize = maxBatch);
        await using WebApplication app = builder.Build();
        app.MapInferenceProtocol();
        app.MapGet("/metrics", (HttpContext context) => context.Response.WriteAsync(
            $"dotnet_gc_heap_total_allocated_bytes_total {GC.GetTotalAllocatedBytes()}\n"));
        await app.StartAsync().ConfigureAwait(false);
        await output.WriteLineAsync($"Serving {path} ({model.Spec}) through ONNX Runtime as model 'mnist' on {urls}, pid {Environment.ProcessId}. Ctrl+C stops.").ConfigureAwait(false);
        await app.WaitForShutdownAsync().ConfigureAwait(false);
        return 0;
    }

    private static IModel Load(string path)
    {
        string? spec = SafeTensors.ReadSpec(path);
        IModel model = spec == MnistMlp.Spec ? new MnistMlp()
            : spec == MnistConvNet.Spec ? new MnistConvNet()
            : spec == MnistResNet.Spec ? new MnistResNet()
            : throw new UsageException($"{path}: not a model file of the MNIST sample (spec {spec ?? "none"})");
        model.Load(path);
        return model;
    }
}
