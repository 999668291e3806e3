namespace ModelGen.Samples.Serve.Hosting;

/// <summary>What the command line asked for.</summary>
internal sealed record ServeSettings
{
    public required string ModelPath { get; init; }
    public string ModelName { get; init; } = "mnist";
    public string Urls { get; init; } = "http://127.0.0.1:8080";
    public int MaxBatchSize { get; init; } = 64;
    public long MaxRequestBodyBytes { get; init; } = 8 * 1024 * 1024;
    public int MaxConcurrency { get; init; } = Environment.ProcessorCount;
    public TimeSpan QueueTimeout { get; init; } = TimeSpan.FromSeconds(5);
    public TimeSpan ShutdownTimeout { get; init; } = TimeSpan.FromSeconds(30);
    public bool WatchFile { get; init; } = true;
    public bool JsonLogs { get; init; }
}
