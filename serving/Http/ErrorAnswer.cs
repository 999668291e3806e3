using System.Text.Json;
using Microsoft.AspNetCore.Http;
using ModelGen.Serving.Protocol;

namespace ModelGen.Serving.Http;

/// <summary>Writes the protocol's error answer, <c>{"error": "..."}</c>, with its status and length.</summary>
internal static class ErrorAnswer
{
    public static Task WriteAsync(HttpContext context, int statusCode, string message)
    {
        byte[] body = JsonSerializer.SerializeToUtf8Bytes(new ErrorResponse(message), ProtocolJsonContext.Relaxed.ErrorResponse);
        HttpResponse response = context.Response;
        response.StatusCode = statusCode;
        response.ContentType = "application/json; charset=utf-8";
        response.ContentLength = body.Length;
        return response.Body.WriteAsync(body, context.RequestAborted).AsTask();
    }
}
