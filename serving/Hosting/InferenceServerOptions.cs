namespace ModelGen.Serving;

/// <summary>Limits and timing shared by every served model.</summary>
public sealed class InferenceServerOptions
{
    /// <summary>The server's name in <c>GET /v2</c>.</summary>
    public string ServerName { get; set; } = "modelgen";

    /// <summary>The largest request body accepted, in bytes; a larger one is answered 413.</summary>
    public long MaxRequestBodyBytes { get; set; } = 8 * 1024 * 1024;

    /// <summary>
    /// How many inferences run at once across all models; more wait for a slot. The default is one per core:
    /// inference is pure computation, so more at once would only share the cores and lengthen each.
    /// </summary>
    public int MaxConcurrentInferences { get; set; } = Environment.ProcessorCount;

    /// <summary>How long a request may wait for an inference slot before it is answered 503.</summary>
    public TimeSpan QueueTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long a client may take to send its request body before it is answered 408.</summary>
    public TimeSpan RequestBodyTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often a watched model file is looked at; a change is loaded once it has stayed the same for one interval.</summary>
    public TimeSpan ModelFilePollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Throws an ArgumentException naming the first setting that cannot work.</summary>
    /// <summary>
    /// Whether one request's larger products may be split across every core (<see cref="Kernels.AllowParallel"/>, which this
    /// sets for the process when the server starts). Off by default: concurrent requests already keep the cores busy, and
    /// splitting one request's work makes them wait on each other. On the 2-core AVX-512 machine the convnet served 6,865
    /// requests/s at concurrency 16 with it on and 8,182 with it off. Results are bit-identical either way.
    /// </summary>
    public bool ParallelKernels { get; set; }

    internal void Validate()
    {
        if (string.IsNullOrWhiteSpace(ServerName)) throw new ArgumentException("ServerName must not be empty.");
        if (MaxRequestBodyBytes < 64) throw new ArgumentException($"MaxRequestBodyBytes must be at least 64, not {MaxRequestBodyBytes}.");
        if (MaxConcurrentInferences < 1) throw new ArgumentException($"MaxConcurrentInferences must be at least 1, not {MaxConcurrentInferences}.");
        if (QueueTimeout <= TimeSpan.Zero || RequestBodyTimeout <= TimeSpan.Zero || ModelFilePollInterval <= TimeSpan.Zero)
            throw new ArgumentException("QueueTimeout, RequestBodyTimeout and ModelFilePollInterval must be positive.");
    }
}
