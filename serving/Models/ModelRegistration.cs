namespace ModelGen.Serving;

/// <summary>One AddInferenceModel call, as a DI singleton: the repository makes a <see cref="ServedModel"/> of each.</summary>
internal sealed record ModelRegistration(string Name, ServedModelOptions Options, BackendLoader Loader);
