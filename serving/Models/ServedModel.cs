using Microsoft.Extensions.Logging;

namespace ModelGen.Serving;

/// <summary>
/// A model under its protocol name: the version requests run on now, and how to load the next one. A new
/// version is loaded beside the current one and swapped in with one write, so each request runs wholly on the
/// version it started with, and a file that cannot be loaded leaves the current version serving.
/// </summary>
public sealed class ServedModel
{
    private readonly BackendLoader _loader;
    private readonly int _maxConcurrency;
    private readonly ILogger _logger;
    private readonly ServingMetrics _metrics;
    private readonly Lock _loading = new();
    private ModelVersion? _current;
    private int _versions;

    internal ServedModel(string name, ServedModelOptions options, BackendLoader loader, int maxConcurrency, ILogger logger, ServingMetrics metrics)
    {
        Name = name;
        Options = options;
        _loader = loader;
        _maxConcurrency = maxConcurrency;
        _logger = logger;
        _metrics = metrics;
    }

    /// <summary>The name in the protocol's paths, <c>/v2/models/{name}</c>.</summary>
    public string Name { get; }

    /// <summary>How it is served.</summary>
    public ServedModelOptions Options { get; }

    /// <summary>The version new requests run on, or null before the first load.</summary>
    public ModelVersion? Current => Volatile.Read(ref _current);

    /// <summary>
    /// Loads the model file (or the model as constructed) and makes it the current version. A model whose input
    /// shape, output size or kind differs from the current one's is refused: clients built for one would fail
    /// on the other.
    /// </summary>
    /// <exception cref="Exception">Whatever the loader threw (a ModelFileException for a bad file), or an
    /// InvalidDataException for a model of another shape; the current version is unchanged.</exception>
    public ModelVersion Reload()
    {
        lock (_loading)
        {
            string? path = Options.ModelPath;
            FileStamp? stamp = path is null ? null : FileStamp.Read(path);
            ModelVersion? current = Current;
            IInferenceBackend backend;
            try
            {
                backend = _loader(new ModelLoadContext(Name, path, Options.MaxBatchSize, _maxConcurrency))
                    ?? throw new InvalidOperationException($"The loader of model '{Name}' returned no backend.");
                if (current is not null) CheckSameSignature(current.Backend, backend);
            }
            catch
            {
                _metrics.ModelLoaded(Name, accepted: false);
                throw;
            }
            var version = new ModelVersion(++_versions, backend, stamp, new Protocol.ModelSignature(Name, Options, backend));
            Volatile.Write(ref _current, version);
            _metrics.ModelLoaded(Name, accepted: true);
            if (path is null) ServingLog.ModelConstructed(_logger, Name, backend.Description);
            else ServingLog.ModelLoaded(_logger, Name, version.Number, path, backend.Description);
            return version;
        }
    }

    private static void CheckSameSignature(IInferenceBackend served, IInferenceBackend loaded)
    {
        if (served.InputShape != loaded.InputShape || served.OutputSize != loaded.OutputSize || served.IsClassifier != loaded.IsClassifier)
            throw new InvalidDataException(
                $"the file's network takes {loaded.InputShape} and gives {loaded.OutputSize} outputs, where the served one takes {served.InputShape} and gives {served.OutputSize}");
    }
}
