using System.CommandLine;
using ModelGen.Data;
using ModelGen.Serialization;

namespace ModelGen.Samples.Mnist.Cli;

/// <summary>
/// Turns the failures a user can cause or fix (bad data, a bad model file, a failed download, a
/// missing file) into one line on standard error and a non-zero exit code, without a stack trace.
/// Anything else is a bug, and keeps System.CommandLine's full report.
/// </summary>
public static class CommandErrors
{
    /// <summary>The exit code for a reported error.</summary>
    public const int Failure = 1;

    /// <summary>The exit code of predict when some of its images were classified and others failed.</summary>
    public const int PartialFailure = 2;

    /// <summary>The exit code after Ctrl+C, as shells report a SIGINT.</summary>
    public const int Cancelled = 130;

    /// <summary>Wraps a command's action so that known failures become a one-line message.</summary>
    public static Func<ParseResult, CancellationToken, Task<int>> Guard(TextWriter error, Func<ParseResult, CancellationToken, Task<int>> action) =>
        async (parseResult, cancellationToken) =>
        {
            try
            {
                return await action(parseResult, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                await error.WriteLineAsync("cancelled").ConfigureAwait(false);
                return Cancelled;
            }
            catch (Exception e) when (Describe(e) is { } message)
            {
                await error.WriteLineAsync("error: " + message).ConfigureAwait(false);
                return Failure;
            }
            catch (Exception e) when (Environment.GetEnvironmentVariable(StackTraceVariable) != "1")
            {
                // Not a failure we know of, so a bug: still one line, with a way to see where it happened.
                await error.WriteLineAsync($"error: unexpected {e.GetType().Name}: {OneLine(e.Message)} (a bug; set {StackTraceVariable}=1 to see the stack trace)").ConfigureAwait(false);
                return Failure;
            }
        };

    /// <summary>Set to 1 to let unexpected exceptions through with their stack traces.</summary>
    public const string StackTraceVariable = "MODELGEN_STACK_TRACES";

    /// <summary>The one-line message for a known kind of failure, or null for anything else.</summary>
    public static string? Describe(Exception exception) => exception switch
    {
        SampleException or IdxFormatException or ModelFileException or IOException or UnauthorizedAccessException
            or HttpRequestException or InvalidDataException => OneLine(exception.Message),
        _ => null,
    };

    private static string OneLine(string message) => string.Join(' ', message.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
}
