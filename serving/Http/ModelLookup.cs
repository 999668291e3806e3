using Microsoft.AspNetCore.Http;
using ModelGen.Serving.Protocol;

namespace ModelGen.Serving.Http;

/// <summary>The 404s of the model paths: an unknown model, or a version other than the one served.</summary>
internal static class ModelLookup
{
    public static string Unknown(ModelRepository repository, string name) =>
        $"unknown model '{name}'; this server serves: {repository.Names}";

    /// <summary>For <c>/versions/{version}</c> paths: only the current version is served (older ones are gone once replaced).</summary>
    public static void CheckVersion(HttpContext context, ServedModel model)
    {
        if (context.Request.RouteValues["version"] is not string asked) return;
        string? current = model.Current?.Label;
        if (asked != current)
            throw new ProtocolException(404, $"model '{model.Name}' has no version '{asked}'; it serves version {current ?? "none (not loaded yet)"}");
    }
}
