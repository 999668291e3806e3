using System.Diagnostics;
using System.Runtime.CompilerServices;
using ModelGen.OnnxImport.Tests.Harness;
using ModelGen.Tests.OnnxFiles;

namespace ModelGen.OnnxImport.Tests;

/// <summary>
/// [OnnxModel] in a project built with `dotnet build` as a user builds it (a child process, a fresh project in a
/// temp folder that references this repository's runtime and generator and imports ModelGen.targets): the
/// import compiles and runs; an edit to C# leaves the text copy of the .onnx file untouched; an edited .onnx file
/// regenerates the model; and without ModelGen.targets the build fails with MG0031 instead of decoding garbage.
/// </summary>
public sealed class RealBuildTests
{
    private static string RepositoryRoot([CallerFilePath] string here = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(here)!, "..", ".."));

    private static string Project(bool importTargets) => $"""
        <Project Sdk="Microsoft.NET.Sdk">
          <PropertyGroup>
            <OutputType>Exe</OutputType>
            <TargetFramework>net10.0</TargetFramework>
            <Nullable>enable</Nullable>
            <ImplicitUsings>enable</ImplicitUsings>
            <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
          </PropertyGroup>
          <ItemGroup>
            <ProjectReference Include="{RepositoryRoot()}/runtime/ModelGen.Runtime.csproj" />
            <ProjectReference Include="{RepositoryRoot()}/generator/ModelGen.Generator.csproj" OutputItemType="Analyzer" ReferenceOutputAssembly="false" />
            <AdditionalFiles Include="models/net.onnx" />
          </ItemGroup>
          {(importTargets ? $"<Import Project=\"{RepositoryRoot()}/runtime/build/ModelGen.targets\" />" : "")}
        </Project>
        """;

    private const string Program = """
        using ModelGen;

        var model = new Net();
        Console.WriteLine($"{Net.OutputSize} {model.Parameters[0]:R} {Net.ImportedParameters[0]:R}");

        [OnnxModel("models/net.onnx")]
        public partial class Net;
        """;

    [Fact]
    public void BuildRunEditAndRebuild()
    {
        string folder = Directory.CreateTempSubdirectory("modelgen-realbuild-").FullName;
        try
        {
            Directory.CreateDirectory(Path.Combine(folder, "models"));
            File.WriteAllText(Path.Combine(folder, "App.csproj"), Project(importTargets: true));
            File.WriteAllText(Path.Combine(folder, "Program.cs"), Program);
            byte[] first = TestNetworks.TorchMlp(inputs: 6, hidden: 4, outputs: 3).ToBytes();
            File.WriteAllBytes(Path.Combine(folder, "models", "net.onnx"), first);

            string output = BuildAndRun(folder);
            float w00 = TestNetworks.Random(4 * 6, 1, 1f / MathF.Sqrt(6))[0]; // fc1.weight[0, 0] = ModelGen's W[0, 0]
            Assert.Equal($"3 {w00:R} {w00:R}", output);

            string copy = Assert.Single(Directory.GetFiles(Path.Combine(folder, "obj"), "net.*.onnx.b64", SearchOption.AllDirectories));
            DateTime written = File.GetLastWriteTimeUtc(copy);
            File.WriteAllText(Path.Combine(folder, "Program.cs"), Program + "\n// edited\n");
            Assert.Equal($"3 {w00:R} {w00:R}", BuildAndRun(folder));
            Assert.Equal(written, File.GetLastWriteTimeUtc(copy));

            File.WriteAllBytes(Path.Combine(folder, "models", "net.onnx"), TestNetworks.TorchMlp(inputs: 6, hidden: 4, outputs: 5).ToBytes());
            Assert.StartsWith("5 ", BuildAndRun(folder), StringComparison.Ordinal);

            File.WriteAllText(Path.Combine(folder, "App.csproj"), Project(importTargets: false));
            (int exitCode, string log) = Dotnet(folder, "build", "-c", "Release", "-p:BuildProjectReferences=false");
            Assert.NotEqual(0, exitCode);
            Assert.Contains("error MG0031", log, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>
    /// Why the build step exists, part 1: a probe generator (<see cref="WriteProbe"/>) in a real build re-encodes each
    /// Transport/*.onnx additional file without two NULs in a row from the text the compiler gives it, with the
    /// encoding the compiler reports, and compares with the file. None survives: invalid UTF-8 becomes U+FFFD, a
    /// leading FF FE is read as UTF-16, a leading EF BB BF is taken as a BOM.
    /// </summary>
    [Fact]
    public void TheCompilerDecodesBinaryAdditionalFilesLossily()
    {
        string[] files = [.. Directory.GetFiles(TransportFolder(), "*.onnx").Where(f => !HasTwoNuls(File.ReadAllBytes(f)))];
        Assert.True(files.Length >= 5);
        Dictionary<string, (string Encoding, byte[] Bytes)> probed = Probe(files, importTargets: false, out string log);
        Assert.True(probed.Count == files.Length, "the probe build failed or saw other files:\n" + log);
        foreach (string file in files)
            Assert.False(File.ReadAllBytes(file).AsSpan().SequenceEqual(probed[Path.GetFileName(file)].Bytes), Path.GetFileName(file) + " survived the compiler's decoding");
        Assert.Equal("utf-16", probed["bom_utf16le.onnx"].Encoding);
    }

    /// <summary>
    /// Part 2: a file with two NULs in a row (as every real ONNX file has) fails the build with CS2015 as soon as a
    /// generator asks for its text; with ModelGen.targets the compiler gets the text copy instead of the file, so a
    /// generator that reads every additional file (the probe) builds, and the import works.
    /// </summary>
    [Fact]
    public void ABinaryAdditionalFileFailsTheBuildUnlessModelGenTargetsReplacesIt()
    {
        string onnx = Path.Combine(Fixtures.Folder, "rgb.onnx");
        Assert.True(HasTwoNuls(File.ReadAllBytes(onnx)));

        Probe([onnx], importTargets: false, out string log);
        Assert.Contains("error CS2015", log, StringComparison.Ordinal);

        Dictionary<string, (string Encoding, byte[] Bytes)> probed = Probe([onnx], importTargets: true, out log);
        Assert.DoesNotContain("CS2015", log, StringComparison.Ordinal);
        var (name, seen) = Assert.Single(probed);
        Assert.Matches(@"^rgb\.[0-9a-f]{8}\.onnx\.b64$", name);
        Assert.StartsWith("modelgen-onnx-base64 1\n", System.Text.Encoding.UTF8.GetString(seen.Bytes), StringComparison.Ordinal);
        Assert.Contains("imported 10", log, StringComparison.Ordinal);
    }

    private static bool HasTwoNuls(byte[] bytes) => bytes.AsSpan().IndexOf((ReadOnlySpan<byte>)[0, 0]) >= 0;

    /// <summary>
    /// Builds and runs a project whose probe generator reads every additional file (<paramref name="files"/>) and
    /// reports, per file, the encoding the compiler gave and the text re-encoded with it. With
    /// <paramref name="importTargets"/> the project also imports [OnnxModel] from the (first) file. Returns what
    /// the program printed, by file name; empty when the build failed (<paramref name="log"/> says why).
    /// </summary>
    private static Dictionary<string, (string Encoding, byte[] Bytes)> Probe(string[] files, bool importTargets, out string log)
    {
        string folder = Directory.CreateTempSubdirectory("modelgen-probe-").FullName;
        try
        {
            WriteProbe(Path.Combine(folder, "probe"));
            string app = Directory.CreateDirectory(Path.Combine(folder, "app")).FullName;
            string items = string.Concat(files.Select(f => $"<AdditionalFiles Include=\"{f}\" />"));
            string modelGen = importTargets
                ? $"""
                  <ItemGroup>
                    <ProjectReference Include="{RepositoryRoot()}/runtime/ModelGen.Runtime.csproj" />
                    <ProjectReference Include="{RepositoryRoot()}/generator/ModelGen.Generator.csproj" OutputItemType="Analyzer" ReferenceOutputAssembly="false" />
                  </ItemGroup>
                  <Import Project="{RepositoryRoot()}/runtime/build/ModelGen.targets" />
                  """
                : "";
            File.WriteAllText(Path.Combine(app, "App.csproj"), $"""
                <Project Sdk="Microsoft.NET.Sdk">
                  <PropertyGroup><OutputType>Exe</OutputType><TargetFramework>net10.0</TargetFramework></PropertyGroup>
                  <ItemGroup>
                    <ProjectReference Include="../probe/Probe.csproj" OutputItemType="Analyzer" ReferenceOutputAssembly="false" />
                    {items}
                  </ItemGroup>
                  {modelGen}
                </Project>
                """);
            File.WriteAllText(Path.Combine(app, "Program.cs"), importTargets
                ? $$"""
                  System.Console.WriteLine(Probed.Lines);
                  System.Console.WriteLine("imported " + Net.OutputSize);
                  [ModelGen.OnnxModel("{{Path.GetFileName(files[0])}}")] public partial class Net;
                  """
                : "System.Console.WriteLine(Probed.Lines);");
            // The probe first; then the app without building its references (the repository's are built already).
            (int exitCode, log) = Dotnet(Path.Combine(folder, "probe"), "build", "-c", "Release");
            if (exitCode != 0) return [];
            (exitCode, string built) = Dotnet(app, "build", "-c", "Release", "-p:BuildProjectReferences=false");
            log += built;
            if (exitCode != 0) return [];
            (exitCode, string output) = Dotnet(app, Path.Combine("bin", "Release", "net10.0", "App.dll"));
            log += output;
            if (exitCode != 0) return [];
            return output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Where(line => !line.StartsWith("imported ", StringComparison.Ordinal))
                .Select(line => line.Split(' '))
                .ToDictionary(p => p[0], p => (p[1], Convert.FromBase64String(p[2])));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>A generator that reads the text of every additional file, as any generator may.</summary>
    private static void WriteProbe(string folder)
    {
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "Probe.csproj"), """
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup><TargetFramework>netstandard2.0</TargetFramework><LangVersion>latest</LangVersion><Nullable>enable</Nullable>
                <EnforceExtendedAnalyzerRules>true</EnforceExtendedAnalyzerRules><NoWarn>RS2008</NoWarn></PropertyGroup>
              <ItemGroup><PackageReference Include="Microsoft.CodeAnalysis.CSharp" Version="4.14.0" PrivateAssets="all" /></ItemGroup>
            </Project>
            """);
        File.WriteAllText(Path.Combine(folder, "Probe.cs"), """
            using System.Linq;
            using System.Text;
            using Microsoft.CodeAnalysis;
            [Generator]
            public sealed class Probe : IIncrementalGenerator
            {
                public void Initialize(IncrementalGeneratorInitializationContext context)
                {
                    var lines = context.AdditionalTextsProvider.Select((file, ct) =>
                    {
                        var text = file.GetText(ct);
                        Encoding? encoding = text?.Encoding;
                        byte[] back = encoding is null || text is null ? new byte[0] : encoding.GetPreamble().Concat(encoding.GetBytes(text.ToString())).ToArray();
                        return System.IO.Path.GetFileName(file.Path) + " " + (encoding?.WebName ?? "none") + " " + System.Convert.ToBase64String(back);
                    });
                    context.RegisterSourceOutput(lines.Collect(), (output, all) => output.AddSource("Probe.g.cs",
                        "public static class Probed { public const string Lines = \"" + string.Join("\\n", all) + "\"; }"));
                }
            }
            """);
    }

    private static string TransportFolder([CallerFilePath] string here = "") => Path.Combine(Path.GetDirectoryName(here)!, "Transport");

    private static string BuildAndRun(string folder)
    {
        // The repository's runtime and generator are built already (this test project references both).
        (int exitCode, string log) = Dotnet(folder, "build", "-c", "Release", "-p:BuildProjectReferences=false");
        Assert.True(exitCode == 0, "dotnet build failed:\n" + log);
        (exitCode, log) = Dotnet(folder, Path.Combine("bin", "Release", "net10.0", "App.dll"));
        Assert.True(exitCode == 0, "the program failed:\n" + log);
        return log.Trim();
    }

    private static (int ExitCode, string Output) Dotnet(string folder, params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = folder, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string argument in arguments) start.ArgumentList.Add(argument);
        // A child build must start from a user's environment, not this test run's MSBuild and test platform settings.
        foreach (string name in start.Environment.Keys.ToList())
            if (name.StartsWith("MSBUILD", StringComparison.OrdinalIgnoreCase) || name.StartsWith("VSTEST", StringComparison.OrdinalIgnoreCase)
                || name is "DOTNET_HOST_PATH" or "MSBuildSDKsPath" or "MSBuildExtensionsPath")
                start.Environment.Remove(name);
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["DOTNET_CLI_UI_LANGUAGE"] = "en";
        using Process process = Process.Start(start)!;
        Task<string> output = process.StandardOutput.ReadToEndAsync(), errors = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(5)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException("dotnet " + string.Join(' ', arguments) + " did not finish in 5 minutes.");
        }
        return (process.ExitCode, output.Result + errors.Result);
    }
}
