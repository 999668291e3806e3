namespace ModelGen.Serving;

/// <summary>What a <see cref="BackendLoader"/> is given to load a model: its file and the sizes the server needs.</summary>
/// <param name="Name">The model's name in the protocol.</param>
/// <param name="Path">The file to load, or null to use the model as constructed.</param>
/// <param name="MaxBatchSize">The most samples one request may send.</param>
/// <param name="MaxConcurrency">The most requests that run inference at once (a pool needs no more workspaces).</param>
public sealed record ModelLoadContext(string Name, string? Path, int MaxBatchSize, int MaxConcurrency);

/// <summary>
/// Loads a model into a new backend, at start-up and on each change of its file. Throws (a ModelFileException for a
/// missing, damaged or other network's file) to refuse it: the model already served keeps serving.
/// </summary>
public delegate IInferenceBackend BackendLoader(ModelLoadContext context);
