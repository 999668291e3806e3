using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using ModelGen.Samples.Serve.Hosting;

namespace ModelGen.Samples.Serve.Cli;

/// <summary>The command line's options, each value checked as it is parsed: a bad one is a one-line error naming the option.</summary>
internal sealed class ServeOptions
{
    private readonly Option<string> _model = new("--model", "-m")
    {
        Description = "The model file train wrote (its metadata says which network it holds). Watched: a new file is swapped in.",
        HelpName = "FILE",
        DefaultValueFactory = _ => Path.Combine("mnist-output", "model.safetensors"),
    };

    private readonly Option<string> _urls = new("--urls")
    {
        Description = "Where to listen: http:// addresses separated by ';' (port 0 picks a free port).",
        HelpName = "URLS",
        DefaultValueFactory = _ => "http://127.0.0.1:8080",
        CustomParser = Urls,
    };

    private readonly Option<string> _name = new("--name")
    {
        Description = "The model's name in the protocol's paths, /v2/models/NAME.",
        DefaultValueFactory = _ => "mnist",
        CustomParser = ModelName,
    };

    private readonly Option<int> _maxBatch = new("--max-batch")
    {
        Description = "The most images one request may send.",
        DefaultValueFactory = _ => 64,
        CustomParser = r => WholeNumber(r, 1, 1 << 20),
    };

    private readonly Option<int> _maxBodyKiB = new("--max-body-kib")
    {
        Description = "The largest request body, in KiB.",
        DefaultValueFactory = _ => 8192,
        CustomParser = r => WholeNumber(r, 1, 1 << 21),
    };

    private readonly Option<int> _concurrency = new("--concurrency")
    {
        Description = "How many requests compute at once (the others wait up to --queue-timeout); one per core by default.",
        DefaultValueFactory = _ => Environment.ProcessorCount,
        CustomParser = r => WholeNumber(r, 1, 4096),
    };

    private readonly Option<int> _queueTimeout = new("--queue-timeout")
    {
        Description = "Milliseconds a request may wait for its turn before it is answered 503.",
        DefaultValueFactory = _ => 5000,
        CustomParser = r => WholeNumber(r, 1, int.MaxValue),
    };

    private readonly Option<int> _shutdownTimeout = new("--shutdown-timeout")
    {
        Description = "Seconds requests in flight get to finish after SIGTERM or Ctrl+C.",
        DefaultValueFactory = _ => 30,
        CustomParser = r => WholeNumber(r, 0, 3600),
    };

    private readonly Option<bool> _noWatch = new("--no-watch") { Description = "Do not load the model file again when it changes." };

    private readonly Option<string> _logFormat = new("--log-format")
    {
        Description = "simple (one line per message) or json (one object per line, with the messages' fields).",
        DefaultValueFactory = _ => "simple",
        CustomParser = LogFormat,
    };

    public void AddTo(RootCommand command)
    {
        foreach (Option option in (Option[])[_model, _urls, _name, _maxBatch, _maxBodyKiB, _concurrency, _queueTimeout, _shutdownTimeout, _noWatch, _logFormat])
            command.Options.Add(option);
    }

    public ServeSettings Read(ParseResult parsed) => new()
    {
        ModelPath = parsed.GetValue(_model)!,
        Urls = parsed.GetValue(_urls)!,
        ModelName = parsed.GetValue(_name)!,
        MaxBatchSize = parsed.GetValue(_maxBatch),
        MaxRequestBodyBytes = parsed.GetValue(_maxBodyKiB) * 1024L,
        MaxConcurrency = parsed.GetValue(_concurrency),
        QueueTimeout = TimeSpan.FromMilliseconds(parsed.GetValue(_queueTimeout)),
        ShutdownTimeout = TimeSpan.FromSeconds(parsed.GetValue(_shutdownTimeout)),
        WatchFile = !parsed.GetValue(_noWatch),
        JsonLogs = parsed.GetValue(_logFormat) == "json",
    };

    private static int WholeNumber(ArgumentResult result, int min, int max)
    {
        string token = result.Tokens.Count == 1 ? result.Tokens[0].Value : "";
        if (int.TryParse(token, NumberStyles.None, CultureInfo.InvariantCulture, out int value) && value >= min && value <= max) return value;
        result.AddError($"{Name(result)}: '{token}' is not a whole number from {min} to {max}.");
        return min;
    }

    // Kestrel's own error for a bad address is several lines about formats; this says what to type.
    private static string Urls(ArgumentResult result)
    {
        string token = result.Tokens.Count == 1 ? result.Tokens[0].Value : "";
        foreach (string url in token.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).DefaultIfEmpty(""))
        {
            if (!Uri.TryCreate(url, UriKind.Absolute, out Uri? uri) || uri.Scheme != Uri.UriSchemeHttp || uri.Host.Length == 0 || uri.AbsolutePath != "/")
            {
                result.AddError($"{Name(result)}: '{url}' is not an address to listen on; give one such as http://127.0.0.1:8080 (http only; several separated by ';').");
                break;
            }
        }
        return token;
    }

    // System.CommandLine's own AcceptOnlyFromAmong lists the choices over three lines.
    private static string LogFormat(ArgumentResult result)
    {
        string token = result.Tokens.Count == 1 ? result.Tokens[0].Value : "";
        if (token is not ("simple" or "json")) result.AddError($"{Name(result)}: '{token}' is not a log format; give simple or json.");
        return token;
    }

    private static string ModelName(ArgumentResult result)
    {
        string token = result.Tokens.Count == 1 ? result.Tokens[0].Value : "";
        if (token.Length == 0 || !token.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
            result.AddError($"{Name(result)}: '{token}' is not a model name; use letters, digits, '-', '_' and '.'.");
        return token;
    }

    private static string Name(ArgumentResult result) => (result.Parent as OptionResult)?.IdentifierToken?.Value ?? "option";
}
