using Microsoft.AspNetCore.Http;
using ModelGen.Serving.Protocol;

namespace ModelGen.Serving.Http;

/// <summary>Writes the protocol's error answer, <c>{"error": "..."}</c>, with its status.</summary>
internal static class ErrorAnswer
{
    public static Task WriteAsync(HttpContext context, int statusCode, string message)
    {
        context.Response.StatusCode = statusCode;
        return context.Response.WriteAsJsonAsync(new ErrorResponse(message), ProtocolJsonContext.Default.ErrorResponse, contentType: null, context.RequestAborted);
    }
}
