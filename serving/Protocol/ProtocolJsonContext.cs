using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace ModelGen.Serving.Protocol;

/// <summary>
/// The serializers of the protocol's small answers, written at compile time (no reflection, so NativeAOT
/// keeps them); snake_case as the protocol spells its fields. Inference requests and answers are read and
/// written with Utf8JsonReader and Utf8JsonWriter directly instead: their tensors go straight between the
/// body's bytes and pooled float buffers, with an exact message for each malformed element.
/// </summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(ErrorResponse))]
[JsonSerializable(typeof(ServerMetadataResponse))]
[JsonSerializable(typeof(ModelMetadataResponse))]
internal sealed partial class ProtocolJsonContext : JsonSerializerContext
{
    /// <summary>
    /// The context the server writes with: quotes and apostrophes in messages stay as typed (the default encoder
    /// writes \u0022 and \u0027, which is valid but hard to read in a terminal). The relaxed encoder is only
    /// unsafe for JSON pasted into HTML, which these answers are not.
    /// </summary>
    public static ProtocolJsonContext Relaxed { get; } = new(new JsonSerializerOptions
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });
}
