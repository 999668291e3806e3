namespace ModelGen.Serving.Protocol;

/// <summary>A request the server refuses: its HTTP status (4xx, or 503 when busy) and the one-line message of the <c>{"error"}</c> answer.</summary>
internal sealed class ProtocolException : Exception
{
    public ProtocolException(int statusCode, string message) : base(message) => StatusCode = statusCode;

    /// <summary>The HTTP status to answer with.</summary>
    public int StatusCode { get; }

    /// <summary>A 400 Bad Request.</summary>
    public static ProtocolException BadRequest(string message) => new(400, message);
}
