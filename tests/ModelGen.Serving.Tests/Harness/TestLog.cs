using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace ModelGen.Serving.Tests.Harness;

/// <summary>A logger provider that keeps every line (level, category, message) for the tests to read.</summary>
public sealed class TestLog : ILoggerProvider
{
    private readonly ConcurrentQueue<(LogLevel Level, string Category, string Message)> _lines = new();

    public IReadOnlyList<(LogLevel Level, string Category, string Message)> Lines => [.. _lines];

    /// <summary>The messages at <paramref name="level"/>.</summary>
    public IEnumerable<string> At(LogLevel level) => Lines.Where(l => l.Level == level).Select(l => l.Message);

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose() { }

    private sealed class Logger(TestLog log, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            log._lines.Enqueue((logLevel, category, formatter(state, exception)));
    }
}
