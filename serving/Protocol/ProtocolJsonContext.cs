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
internal sealed partial class ProtocolJsonContext : JsonSerializerContext;
