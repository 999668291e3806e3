using Microsoft.AspNetCore.Http;
using ModelGen.Serving.Protocol;

namespace ModelGen.Serving.Http;

/// <summary>The protocol's GET endpoints: server metadata, health, model metadata and readiness.</summary>
internal sealed class MetadataEndpoints(ModelRepository repository, Microsoft.Extensions.Options.IOptions<InferenceServerOptions> options)
{
    private static readonly string s_version = typeof(MetadataEndpoints).Assembly.GetName().Version?.ToString(3) ?? "0";

    /// <summary><c>GET /v2</c>.</summary>
    public Task ServerAsync(HttpContext context) =>
        context.Response.WriteAsJsonAsync(new ServerMetadataResponse(options.Value.ServerName, s_version, []),
            ProtocolJsonContext.Relaxed.ServerMetadataResponse, contentType: null, context.RequestAborted);

    /// <summary><c>GET /v2/health/live</c>: the process answers. The protocol gives health as the status alone, with an empty body.</summary>
    public static Task LiveAsync(HttpContext context)
    {
        context.Response.StatusCode = StatusCodes.Status200OK;
        return Task.CompletedTask;
    }

    /// <summary><c>GET /v2/health/ready</c>: 200 when every model is loaded and the server is not stopping, else 400 (the protocol's "false" is a 4xx).</summary>
    public Task ReadyAsync(HttpContext context)
    {
        context.Response.StatusCode = repository.IsReady ? StatusCodes.Status200OK : StatusCodes.Status400BadRequest;
        return Task.CompletedTask;
    }

    /// <summary><c>GET /v2/models/{name}[/versions/{version}]</c>.</summary>
    public Task ModelAsync(HttpContext context) => WithModelAsync(context, (model, version) =>
    {
        ModelSignature s = version.Signature;
        var inputs = new[] { new TensorMetadata(s.InputName, "FP32", [-1, .. s.SampleDims]) };
        TensorMetadata[] outputs = s.IsClassifier
            ? [new TensorMetadata(s.OutputName, "FP32", [-1, s.OutputSize]), new TensorMetadata(s.ClassOutputName, "INT64", [-1])]
            : [new TensorMetadata(s.OutputName, "FP32", [-1, s.OutputSize])];
        var metadata = new ModelMetadataResponse(model.Name, [version.Label], version.Backend.Platform, inputs, outputs);
        return context.Response.WriteAsJsonAsync(metadata, ProtocolJsonContext.Relaxed.ModelMetadataResponse, contentType: null, context.RequestAborted);
    });

    /// <summary><c>GET /v2/models/{name}[/versions/{version}]/ready</c>: 200, or 400 while the server is stopping.</summary>
    public Task ModelReadyAsync(HttpContext context) => WithModelAsync(context, (_, _) =>
    {
        context.Response.StatusCode = repository.IsStopping ? StatusCodes.Status400BadRequest : StatusCodes.Status200OK;
        return Task.CompletedTask;
    });

    private async Task WithModelAsync(HttpContext context, Func<ServedModel, ModelVersion, Task> answer)
    {
        string name = context.Request.RouteValues["name"] as string ?? "";
        try
        {
            ServedModel model = repository.Find(name) ?? throw new ProtocolException(404, ModelLookup.Unknown(repository, name));
            ModelLookup.CheckVersion(context, model);
            ModelVersion version = model.Current ?? throw new ProtocolException(400, $"model '{name}' is not loaded yet");
            await answer(model, version).ConfigureAwait(false);
        }
        catch (ProtocolException e)
        {
            await ErrorAnswer.WriteAsync(context, e.StatusCode, e.Message).ConfigureAwait(false);
        }
    }
}
