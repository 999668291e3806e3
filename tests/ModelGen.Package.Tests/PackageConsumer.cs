using System.Runtime.InteropServices;
using System.Text.Json;

namespace ModelGen.Package.Tests;

/// <summary>
/// The package and the console project that uses it, made once for all of <see cref="PackageConsumerTests"/>
/// in a temporary folder: `feed/` (the packed package), `consumer/` (the project), `jit/` and `aot/` (the
/// working folders of the two runs). Each step runs on first use; a step that failed fails every test
/// that needs it, with its message.
/// </summary>
public sealed class PackageConsumer : IDisposable
{
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("modelgen-package-");
    private readonly Lazy<ProcessResult> _pack;
    private readonly Lazy<string> _consumer;
    private readonly Lazy<ProcessResult> _jitRun;

    public PackageConsumer()
    {
        _pack = new(Pack);
        _consumer = new(CreateConsumer);
        _jitRun = new(BuildAndRunWithJit);
    }

    public void Dispose() => _folder.Delete(recursive: true);

    /// <summary>The runtime identifier the native binary is published for: this machine's (linux-x64 on the build machines).</summary>
    public static string RuntimeIdentifier { get; } = (OperatingSystem.IsWindows() ? "win" : OperatingSystem.IsMacOS() ? "osx" : "linux")
        + "-" + RuntimeInformation.OSArchitecture.ToString().ToLowerInvariant();

    public string Feed => Path.Combine(_folder.FullName, "feed");

    /// <summary>The result of `dotnet pack` of a copy of the sources into <see cref="Feed"/>.</summary>
    public ProcessResult Packed => _pack.Value;

    /// <summary>The consumer's folder, after a successful pack.</summary>
    public string Consumer => _consumer.Value;

    /// <summary>The package sources the consumer inherits from this machine's NuGet configuration.</summary>
    public IReadOnlyList<string> InheritedSources { get; private set; } = [];

    /// <summary>How long the consumer's JIT build took.</summary>
    public TimeSpan JitBuildTime { get; private set; }

    /// <summary>The run of the JIT-compiled consumer (`dotnet Consumer.dll`), after a successful build.</summary>
    public ProcessResult JitRun => _jitRun.Value;

    /// <summary>An empty folder for a run of the consumer (it writes its model files there).</summary>
    public string RunFolder(string name) => Directory.CreateDirectory(Path.Combine(_folder.FullName, name)).FullName;

    private ProcessResult Pack()
    {
        string sources = RepositoryCopy.Create(Path.Combine(_folder.FullName, "source"));
        string runtime = Path.Combine(sources, "runtime", "ModelGen.Runtime.csproj");
        // As a release build in CI packs it (see Directory.Build.props): deterministic source paths.
        return DotnetCli.Run(_folder.FullName, "pack", runtime, "-c", "Release", "-o", Feed, "-p:ContinuousIntegrationBuild=true");
    }

    private string CreateConsumer()
    {
        ProcessResult packed = Packed;
        if (packed.ExitCode != 0) throw new InvalidOperationException("dotnet pack failed:\n" + packed.Output);
        string consumer = Directory.CreateDirectory(Path.Combine(_folder.FullName, "consumer")).FullName;
        // Before the consumer has a nuget.config of its own: what it inherits from the machine and the user.
        ProcessResult sources = DotnetCli.Run(consumer, "nuget", "list", "source", "--format", "Detailed");
        if (sources.ExitCode != 0) throw new InvalidOperationException("dotnet nuget list source failed:\n" + sources.Output);
        InheritedSources = ConsumerProject.EnabledSources(sources.StandardOutput);
        File.WriteAllText(Path.Combine(consumer, "Consumer.csproj"), ConsumerProject.Project);
        File.WriteAllText(Path.Combine(consumer, "nuget.config"), ConsumerProject.NuGetConfig(InheritedSources));
        File.WriteAllText(Path.Combine(consumer, "Program.cs"), ConsumerProject.Program);
        string onnx = Path.Combine(consumer, ConsumerProject.OnnxFile);
        Directory.CreateDirectory(Path.GetDirectoryName(onnx)!);
        File.Copy(Path.Combine(DotnetCli.RepositoryRoot(), "tests", "fixtures", "pytorch", "convnet.onnx"), onnx);
        return consumer;
    }

    private ProcessResult BuildAndRunWithJit()
    {
        ProcessResult built = DotnetCli.Run(Consumer, "build", "-c", "Release");
        if (built.ExitCode != 0) throw new InvalidOperationException("the consumer did not build:\n" + built.Output);
        JitBuildTime = built.Duration;
        return DotnetCli.Run(RunFolder("jit"), Path.Combine(Consumer, "bin", "Release", "net10.0", "Consumer.dll"));
    }

    /// <summary>The folder a package was restored from, as NuGet recorded it in the consumer's package folder.</summary>
    public string RestoredFrom(string id, string version)
    {
        string metadata = Path.Combine(Consumer, "packages", id.ToLowerInvariant(), version, ".nupkg.metadata");
        using JsonDocument document = JsonDocument.Parse(File.ReadAllText(metadata));
        return document.RootElement.GetProperty("source").GetString() ?? "";
    }
}
