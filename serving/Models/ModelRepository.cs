using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ModelGen.Serving;

/// <summary>Every model the server serves, by name, and whether the server is ready for requests.</summary>
public sealed class ModelRepository
{
    private readonly Dictionary<string, ServedModel> _byName = new(StringComparer.Ordinal);
    private volatile bool _stopping;

    internal ModelRepository(IEnumerable<ModelRegistration> registrations, IOptions<InferenceServerOptions> options, ServingMetrics metrics, ILoggerFactory loggers)
    {
        InferenceServerOptions server = options.Value;
        server.Validate();
        // Process-wide: the server owns the kernels' threads.
        Kernels.AllowParallel = server.ParallelKernels;
        ILogger logger = loggers.CreateLogger("ModelGen.Serving.Models");
        var models = new List<ServedModel>();
        foreach (ModelRegistration registration in registrations)
        {
            var model = new ServedModel(registration.Name, registration.Options, registration.Loader, server.MaxConcurrentInferences, logger, metrics);
            if (!_byName.TryAdd(model.Name, model)) throw new InvalidOperationException($"Two models are registered as '{model.Name}'.");
            models.Add(model);
        }
        Models = models;
    }

    /// <summary>The models in registration order.</summary>
    public IReadOnlyList<ServedModel> Models { get; }

    /// <summary>The model called <paramref name="name"/> (exactly), or null.</summary>
    public ServedModel? Find(string name) => _byName.GetValueOrDefault(name);

    /// <summary>The names, for an error that lists them.</summary>
    public string Names => Models.Count == 0 ? "none" : string.Join(", ", Models.Select(m => m.Name));

    /// <summary>Every model has a version and the server is not shutting down.</summary>
    public bool IsReady => !_stopping && Models.All(m => m.Current is not null);

    /// <summary>Whether shutdown has begun (readiness is then false, so load balancers stop sending).</summary>
    public bool IsStopping => _stopping;

    internal void MarkStopping() => _stopping = true;
}
