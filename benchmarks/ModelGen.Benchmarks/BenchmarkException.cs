namespace ModelGen.Benchmarks;

/// <summary>A problem the user can fix (a bad option, missing data, an engine that cannot load): printed as one line, exit code 2.</summary>
public sealed class BenchmarkException(string message) : Exception(message);
