namespace ModelGen.Serving.Protocol;

/// <summary>Every error answer: <c>{"error": "..."}</c>, as the protocol says.</summary>
internal sealed record ErrorResponse(string Error);

/// <summary><c>GET /v2</c>: the server's name, version and protocol extensions.</summary>
internal sealed record ServerMetadataResponse(string Name, string Version, IReadOnlyList<string> Extensions);

/// <summary>One tensor of the model metadata: name, datatype and shape, -1 for the batch.</summary>
internal sealed record TensorMetadata(string Name, string Datatype, IReadOnlyList<long> Shape);

/// <summary><c>GET /v2/models/{name}</c>: the model's versions, engine, inputs and outputs.</summary>
internal sealed record ModelMetadataResponse(string Name, IReadOnlyList<string> Versions, string Platform,
    IReadOnlyList<TensorMetadata> Inputs, IReadOnlyList<TensorMetadata> Outputs);
