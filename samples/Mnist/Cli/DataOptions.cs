using System.CommandLine;
using ModelGen.Samples.Mnist.Acquisition;

namespace ModelGen.Samples.Mnist.Cli;

/// <summary>The options of every command that needs MNIST: where to take it from.</summary>
public sealed class DataOptions
{
    /// <summary>--data DIR: a folder with the four IDX files, used instead of the cache and downloads.</summary>
    public Option<string?> Data { get; } = new("--data")
    {
        Description = "Folder with the four MNIST-format IDX files (raw or .gz), used as it is instead of the cache or a download.",
        HelpName = "DIR",
    };

    /// <summary>--mirror URL, repeatable: base URLs to download the gzip files from.</summary>
    public Option<string[]> Mirrors { get; } = new("--mirror")
    {
        Description = $"Base URL to download the MNIST .gz files from, tried in order (repeatable). Default: ${AcquisitionSettings.MirrorsVariable} (comma-separated), else public mirrors.",
        HelpName = "URL",
        Arity = ArgumentArity.OneOrMore,
        AllowMultipleArgumentsPerToken = false,
    };

    /// <summary>Adds the options to <paramref name="command"/>.</summary>
    public void AddTo(Command command)
    {
        command.Options.Add(Data);
        command.Options.Add(Mirrors);
    }

    /// <summary>The acquisition settings these options and the environment give.</summary>
    public AcquisitionSettings Settings(ParseResult parseResult) =>
        AcquisitionSettings.FromEnvironment(parseResult.GetValue(Data), parseResult.GetValue(Mirrors) ?? []);
}
