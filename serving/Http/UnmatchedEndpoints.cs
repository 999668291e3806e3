using Microsoft.AspNetCore.Http;

namespace ModelGen.Serving.Http;

/// <summary>
/// The protocol's error answer where ASP.NET Core would give an empty one: another method on one of the protocol's
/// paths (405, with Allow), and any other path under /v2 (404).
/// </summary>
internal static class UnmatchedEndpoints
{
    public static RequestDelegate WrongMethod(string allowed) => context =>
    {
        context.Response.Headers.Allow = allowed;
        return ErrorAnswer.WriteAsync(context, StatusCodes.Status405MethodNotAllowed,
            $"{context.Request.Path} takes {allowed}, not {context.Request.Method}");
    };

    public static Task UnknownPathAsync(HttpContext context) =>
        ErrorAnswer.WriteAsync(context, StatusCodes.Status404NotFound,
            $"no endpoint {context.Request.Method} {context.Request.Path}; the Open Inference Protocol's are GET /v2, /v2/health/live, /v2/health/ready, " +
            "/v2/models/{name}, /v2/models/{name}/ready and POST /v2/models/{name}/infer");
}
