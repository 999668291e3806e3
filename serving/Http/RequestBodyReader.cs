using System.Buffers;
using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using ModelGen.Serving.Protocol;

namespace ModelGen.Serving.Http;

/// <summary>
/// Reads a whole request body into a pooled array, up to a limit: a body over it is a 413 (told before reading when
/// Content-Length gives it away), Kestrel's own refusals (a body that arrives too slowly, a malformed chunk) keep
/// their status with a message, and a body not sent within the timeout is a 408.
/// </summary>
internal static class RequestBodyReader
{
    /// <summary>The body; the caller gives <see cref="Body.Array"/> back to the shared pool.</summary>
    public readonly record struct Body(byte[] Array, int Length)
    {
        public ReadOnlySpan<byte> Span => Array.AsSpan(0, Length);
    }

    public static async ValueTask<Body> ReadAsync(HttpContext context, long limit, TimeSpan timeout)
    {
        HttpRequest request = context.Request;
        if (request.ContentLength > limit) throw TooLarge(request.ContentLength.Value, limit);
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size) size.MaxRequestBodySize = limit;

        int capacity = (int)Math.Min(request.ContentLength ?? 16 * 1024, limit) + 1;
        byte[] buffer = ArrayPool<byte>.Shared.Rent(Math.Max(capacity, 256));
        int length = 0;
        using var timer = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
        timer.CancelAfter(timeout);
        try
        {
            while (true)
            {
                if (length == buffer.Length) buffer = Grow(buffer, length, limit);
                int read = await request.Body.ReadAsync(buffer.AsMemory(length), timer.Token).ConfigureAwait(false);
                if (read == 0) break;
                length += read;
                if (length > limit) throw TooLarge(length, limit, sentSoFar: true);
            }
            return new Body(buffer, length);
        }
        catch (Exception e)
        {
            ArrayPool<byte>.Shared.Return(buffer);
            if (e is BadHttpRequestException bad)
                throw new ProtocolException(bad.StatusCode, bad.StatusCode == 413 ? TooLarge(limit).Message : "the request body could not be read: " + OneLine(bad.Message));
            if (e is OperationCanceledException && timer.IsCancellationRequested && !context.RequestAborted.IsCancellationRequested)
                throw new ProtocolException(408, $"the request body did not arrive within {timeout.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s");
            throw;
        }
    }

    private static byte[] Grow(byte[] buffer, int length, long limit)
    {
        byte[] larger = ArrayPool<byte>.Shared.Rent((int)Math.Min((long)buffer.Length * 2, limit + 1));
        buffer.AsSpan(0, length).CopyTo(larger);
        ArrayPool<byte>.Shared.Return(buffer);
        return larger;
    }

    private static ProtocolException TooLarge(long limit) =>
        new(413, $"the request body is over this server's limit of {limit.ToString(CultureInfo.InvariantCulture)} bytes; send fewer samples per request");

    private static ProtocolException TooLarge(long size, long limit, bool sentSoFar = false) =>
        new(413, $"the request body is {(sentSoFar ? "over " : "")}{size.ToString(CultureInfo.InvariantCulture)} bytes, over this server's limit of {limit.ToString(CultureInfo.InvariantCulture)}; send fewer samples per request");

    private static string OneLine(string message) => message.ReplaceLineEndings(" ");
}
