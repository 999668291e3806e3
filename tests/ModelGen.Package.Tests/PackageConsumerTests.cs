using System.IO.Compression;
using System.Reflection.Metadata;
using System.Text.RegularExpressions;
using Xunit.Abstractions;

namespace ModelGen.Package.Tests;

/// <summary>
/// `dotnet pack` of the runtime makes the one package a user references; a console project outside the
/// repository that references only it (from a local feed, with warnings as errors and the latest
/// analysis level) declares models, trains, saves, loads and exports them, and gets the right answers,
/// both built for the JIT and published with NativeAOT, which prints exactly what the JIT build prints.
/// </summary>
public sealed partial class PackageConsumerTests(PackageConsumer package, ITestOutputHelper output) : IClassFixture<PackageConsumer>
{
    /// <summary>
    /// The native consumer measured 2,868,352 bytes (2.7 MiB; linux-x64, ILCompiler 10.0.12; a hello world
    /// is 1.2 MiB). One that grows past about twice that has pulled in something it should not
    /// (reflection-based serialisation, say).
    /// </summary>
    private const long NativeSizeLimit = 6 * 1024 * 1024;

    [Fact]
    public void The_package_holds_the_runtime_the_generator_and_symbols_with_deterministic_source_paths()
    {
        Assert.True(package.Packed.ExitCode == 0, "dotnet pack failed:\n" + package.Packed.Output);
        output.WriteLine($"dotnet pack: {package.Packed.Duration.TotalSeconds:F0} s");
        string nupkg = Path.Combine(package.Feed, "ModelGen.0.1.0.nupkg"), snupkg = Path.Combine(package.Feed, "ModelGen.0.1.0.snupkg");
        Assert.True(File.Exists(nupkg), "no ModelGen.0.1.0.nupkg in the feed:\n" + package.Packed.Output);
        Assert.True(File.Exists(snupkg), "no symbols package in the feed");
        using (ZipArchive archive = ZipFile.OpenRead(nupkg))
        {
            string[] entries = [.. archive.Entries.Select(entry => entry.FullName)];
            Assert.Contains("lib/net10.0/ModelGen.Runtime.dll", entries);
            Assert.Contains("analyzers/dotnet/cs/ModelGen.Generator.dll", entries);
        }

        // Packed with ContinuousIntegrationBuild, as in CI: every source path in the pdb is under /_/, none
        // names the folder it was built in, though that folder is not a git repository (Directory.Build.props).
        using ZipArchive symbols = ZipFile.OpenRead(snupkg);
        ZipArchiveEntry pdb = symbols.GetEntry("lib/net10.0/ModelGen.Runtime.pdb") ?? throw new InvalidOperationException("no pdb in the symbols package");
        using var pdbBytes = new MemoryStream();
        using (Stream stream = pdb.Open()) stream.CopyTo(pdbBytes);
        pdbBytes.Position = 0;
        using MetadataReaderProvider provider = MetadataReaderProvider.FromPortablePdbStream(pdbBytes);
        MetadataReader reader = provider.GetMetadataReader();
        string[] documents = [.. reader.Documents.Select(handle => reader.GetString(reader.GetDocument(handle).Name))];
        Assert.Contains("/_/runtime/Attributes/DenseAttribute.cs", documents);
        Assert.All(documents, document => Assert.StartsWith("/_/", document, StringComparison.Ordinal));
    }

    [Fact]
    public void A_console_project_that_references_only_the_package_builds_and_runs_with_the_JIT()
    {
        ProcessResult run = package.JitRun;
        output.WriteLine($"package sources inherited by the consumer: {string.Join(", ", package.InheritedSources)}");
        output.WriteLine($"JIT build: {package.JitBuildTime.TotalSeconds:F0} s; run: {run.Duration.TotalSeconds:F1} s");
        output.WriteLine(run.Output);
        Assert.True(run.ExitCode == 0, "the consumer failed:\n" + run.Output);
        Assert.Equal("", run.StandardError);

        Assert.Matches(@"(?m)^xor: classes 0,1,1,0; \d+ bytes saved; spec input=2;Dense1=dense\(8,tanh\);Dense2=dense\(2,softmax\);loss=sparse_categorical_crossentropy\r?$", run.StandardOutput);
        Assert.InRange(Count(MlpRight(), run.StandardOutput), 950, 1000);
        Assert.InRange(Count(ConvnetRight(), run.StandardOutput), 475, 500);
        Assert.InRange(Count(OnnxBytes(), run.StandardOutput), 1000, 100_000);
        Assert.Matches(@"(?m)^imported: 34826 parameters; class \d; probability [01]\.\d\d\r?$", run.StandardOutput);

        // ModelGen came from the local feed only, and the generator from the package's analyzers folder.
        Assert.Equal(Path.GetFullPath(package.Feed), Path.GetFullPath(package.RestoredFrom("ModelGen", "0.1.0")));
        Assert.True(File.Exists(Path.Combine(package.Consumer, "packages", "modelgen", "0.1.0", "analyzers", "dotnet", "cs", "ModelGen.Generator.dll")));

        long jitBytes = new FileInfo(Path.Combine(package.Consumer, "bin", "Release", "net10.0", "Consumer.dll")).Length
            + new FileInfo(Path.Combine(package.Consumer, "bin", "Release", "net10.0", "ModelGen.Runtime.dll")).Length;
        output.WriteLine($"JIT build: Consumer.dll + ModelGen.Runtime.dll = {jitBytes:N0} bytes, plus the shared .NET runtime");
    }

    [Fact]
    public void The_same_console_project_published_with_NativeAOT_has_no_warnings_stays_small_and_prints_what_the_JIT_build_printed()
    {
        ProcessResult jit = package.JitRun;
        Assert.True(jit.ExitCode == 0, "the JIT build of the consumer failed:\n" + jit.Output);

        string rid = PackageConsumer.RuntimeIdentifier;
        ProcessResult published = DotnetCli.Run(package.Consumer, "publish", "-c", "Release", "-r", rid, "-p:PublishAot=true");
        output.WriteLine($"NativeAOT publish ({rid}): {published.Duration.TotalSeconds:F0} s");
        if (published.ExitCode != 0 && RestoreError().IsMatch(published.Output))
            Assert.Fail($"""
                The NativeAOT publish could not restore its packages. It needs the SDK's Microsoft.DotNet.ILCompiler,
                runtime.{rid}.Microsoft.DotNet.ILCompiler and the {rid} runtime packs from one of the package sources
                this machine's NuGet configuration lists; the consumer inherited these (enabled) sources: [{string.Join(", ", package.InheritedSources)}].
                Configure a source that has them (`dotnet nuget list source` shows what there is). This test does not skip.

                {published.Output}
                """);
        string[] trimOrAotWarnings = [.. published.Output.Split('\n').Where(line => TrimOrAotCode().IsMatch(line)).Select(line => line.Trim()).Distinct()];
        Assert.True(trimOrAotWarnings.Length == 0, "trim or AOT warnings:\n" + string.Join('\n', trimOrAotWarnings));
        Assert.True(published.ExitCode == 0, "dotnet publish -p:PublishAot=true failed:\n" + published.Output);

        string binary = Path.Combine(package.Consumer, "bin", "Release", "net10.0", rid, "publish", OperatingSystem.IsWindows() ? "Consumer.exe" : "Consumer");
        Assert.True(File.Exists(binary), "no native binary at " + binary + ":\n" + published.Output);
        long size = new FileInfo(binary).Length;
        output.WriteLine($"native binary: {size:N0} bytes ({size / 1048576.0:F1} MiB), self-contained, no .NET runtime needed");
        Assert.True(size < NativeSizeLimit, $"the native consumer is {size:N0} bytes, over the {NativeSizeLimit:N0} limit");

        ProcessResult native = ChildProcess.Run(binary, package.RunFolder("aot"), []);
        output.WriteLine($"native run: {native.Duration.TotalSeconds:F1} s");
        output.WriteLine(native.Output);
        Assert.True(native.ExitCode == 0, "the native consumer failed:\n" + native.Output);
        Assert.Equal("", native.StandardError);
        Assert.Equal(jit.StandardOutput, native.StandardOutput);
    }

    private static int Count(Regex pattern, string text)
    {
        Match match = pattern.Match(text);
        Assert.True(match.Success, $"no match for {pattern} in:\n{text}");
        return int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
    }

    [GeneratedRegex(@"(?m)^mlp: (\d+)/1000 right")]
    private static partial Regex MlpRight();

    [GeneratedRegex(@"(?m)^convnet: (\d+)/500 right")]
    private static partial Regex ConvnetRight();

    [GeneratedRegex(@"(?m)^convnet: .*; (\d+) bytes of ONNX\r?$")]
    private static partial Regex OnnxBytes();

    // NuGet's restore errors: NU1100 (unresolved, e.g. no source maps the id), NU1101 (no such package),
    // NU1102 (no such version), NU1301 (source unreachable), ...
    [GeneratedRegex(@"\berror NU1\d{3}\b")]
    private static partial Regex RestoreError();

    // IL2xxx: trimming; IL3xxx: NativeAOT (as warnings, or as errors under warnings-as-errors).
    [GeneratedRegex(@"\b(?:warning|error) IL[23]\d{3}\b")]
    private static partial Regex TrimOrAotCode();
}
