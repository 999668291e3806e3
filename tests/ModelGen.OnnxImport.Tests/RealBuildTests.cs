using System.Diagnostics;
using System.Runtime.CompilerServices;
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
