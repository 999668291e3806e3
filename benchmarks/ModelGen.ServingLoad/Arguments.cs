using System.Globalization;

namespace ModelGen.ServingLoad;

/// <summary>A mistake on the command line: its message is printed as one line.</summary>
public sealed class UsageException(string message) : Exception(message);

/// <summary>"--name value" pairs, each read once with a default; any left unread is an error.</summary>
public sealed class Arguments
{
    public const string Usage =
        "usage: serving-load load [--url http://127.0.0.1:8080] [--name mnist] [--concurrency 1,16,64] [--duration 10] [--warmup 2] [--batch 1] [--server-pid PID]\n" +
        "       serving-load serve-onnx --model mnist-output/model.safetensors [--urls http://127.0.0.1:8081] [--concurrency N]";

    private readonly Dictionary<string, string> _values = new(StringComparer.Ordinal);

    public Arguments(string[] args)
    {
        for (int i = 0; i < args.Length; i += 2)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Length) throw new UsageException($"'{args[i]}' needs a value.\n{Usage}");
            _values[args[i]] = args[i + 1];
        }
    }

    public string Text(string name, string fallback) => _values.Remove(name, out string? value) ? value : fallback;

    public int Number(string name, int fallback, int min = 1)
    {
        if (!_values.Remove(name, out string? text)) return fallback;
        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int value) && value >= min
            ? value
            : throw new UsageException($"{name}: '{text}' is not a whole number of at least {min}");
    }

    public int[] Numbers(string name, int[] fallback) =>
        _values.Remove(name, out string? text)
            ? [.. text.Split(',').Select(part => int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out int value) && value >= 1
                ? value
                : throw new UsageException($"{name}: '{part}' is not a whole number of at least 1"))]
            : fallback;

    /// <summary>Throws if an option was given that no one read.</summary>
    public void CheckAllRead()
    {
        if (_values.Count > 0) throw new UsageException($"unknown option {_values.Keys.First()}.\n{Usage}");
    }
}
