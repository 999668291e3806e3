using Microsoft.Extensions.Logging;

namespace ModelGen.Serving;

/// <summary>The server's log messages, source-generated: structured fields, nothing formatted unless the level is on.</summary>
internal static partial class ServingLog
{
    [LoggerMessage(1, LogLevel.Information, "Model {Model} version {Version} loaded from {Path}: {Description}")]
    public static partial void ModelLoaded(ILogger logger, string model, int version, string path, string description);

    [LoggerMessage(2, LogLevel.Warning, "Model {Model}: refused {Path}: {Reason}; version {Version} keeps serving")]
    public static partial void ModelRefused(ILogger logger, string model, string path, string reason, int version);

    [LoggerMessage(3, LogLevel.Warning, "Model {Model}: {Path} is gone; version {Version} keeps serving")]
    public static partial void ModelFileMissing(ILogger logger, string model, string path, int version);

    [LoggerMessage(4, LogLevel.Debug, "{Method} {Path} answered {Status}: {Error}")]
    public static partial void RequestRefused(ILogger logger, string method, string path, int status, string error);

    [LoggerMessage(5, LogLevel.Error, "{Method} {Path} failed")]
    public static partial void RequestFailed(ILogger logger, Exception exception, string method, string path);

    [LoggerMessage(6, LogLevel.Information, "Stopping: readiness is now false; requests in flight finish")]
    public static partial void Stopping(ILogger logger);

    [LoggerMessage(7, LogLevel.Information, "Model {Model} serves the model as constructed: {Description}")]
    public static partial void ModelConstructed(ILogger logger, string model, string description);
}
