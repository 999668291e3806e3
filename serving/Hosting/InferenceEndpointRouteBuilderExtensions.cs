using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using ModelGen.Serving.Http;

namespace ModelGen.Serving;

/// <summary><c>app.MapInferenceProtocol()</c>: the Open Inference Protocol's REST endpoints for the registered models.</summary>
public static class InferenceEndpointRouteBuilderExtensions
{
    private static readonly string[] s_otherThanGet = ["POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"];
    private static readonly string[] s_otherThanPost = ["GET", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"];

    /// <summary>
    /// Maps <c>GET /v2</c>, <c>/v2/health/live</c>, <c>/v2/health/ready</c>, <c>/v2/models/{name}</c>,
    /// <c>/v2/models/{name}/ready</c> and <c>POST /v2/models/{name}/infer</c> (each model path also under
    /// <c>/versions/{version}</c>), plus <c>{"error"}</c> answers for other methods and paths under /v2.
    /// Handlers are plain RequestDelegates: nothing is bound by reflection, so NativeAOT keeps them whole.
    /// </summary>
    public static IEndpointConventionBuilder MapInferenceProtocol(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        IServiceProvider services = endpoints.ServiceProvider;
        MetadataEndpoints metadata = services.GetRequiredService<MetadataEndpoints>();
        InferEndpoint infer = services.GetRequiredService<InferEndpoint>();

        RouteGroupBuilder v2 = endpoints.MapGroup("/v2");
        Get(v2, "", metadata.ServerAsync);
        Get(v2, "/health/live", MetadataEndpoints.LiveAsync);
        Get(v2, "/health/ready", metadata.ReadyAsync);
        foreach (string model in (string[])["/models/{name}", "/models/{name}/versions/{version}"])
        {
            Get(v2, model, metadata.ModelAsync);
            Get(v2, model + "/ready", metadata.ModelReadyAsync);
            v2.MapPost(model + "/infer", infer.HandleAsync);
            v2.MapMethods(model + "/infer", s_otherThanPost, UnmatchedEndpoints.WrongMethod("POST"));
        }
        v2.Map("/{**rest}", UnmatchedEndpoints.UnknownPathAsync);
        return v2;
    }

    private static void Get(RouteGroupBuilder group, string pattern, RequestDelegate handler)
    {
        group.MapGet(pattern, handler);
        group.MapMethods(pattern, s_otherThanGet, UnmatchedEndpoints.WrongMethod("GET"));
    }
}
