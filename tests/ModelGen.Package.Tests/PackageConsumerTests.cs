namespace ModelGen.Package.Tests;

/// <summary>
/// `dotnet pack` of the runtime makes the one package a user references; a console project outside the
/// repository that references only it (from a local feed, with warnings as errors and the latest
/// analysis level) declares a model, trains it, saves and loads it, and gets the right answers.
/// </summary>
public sealed class PackageConsumerTests : IDisposable
{
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("modelgen-package-");

    public void Dispose() => _folder.Delete(recursive: true);

    private const string Project = """
        <Project Sdk="Microsoft.NET.Sdk">
          <PropertyGroup>
            <OutputType>Exe</OutputType>
            <TargetFramework>net10.0</TargetFramework>
            <Nullable>enable</Nullable>
            <ImplicitUsings>enable</ImplicitUsings>
            <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
            <AnalysisLevel>latest</AnalysisLevel>
            <!-- A fresh package folder: a cached copy of an earlier build of this version must not be used. -->
            <RestorePackagesPath>packages</RestorePackagesPath>
          </PropertyGroup>
          <ItemGroup>
            <PackageReference Include="ModelGen" Version="0.1.0" />
          </ItemGroup>
        </Project>
        """;

    // Only the local feed: the package must bring everything the consumer needs.
    private const string NuGetConfig = """
        <?xml version="1.0" encoding="utf-8"?>
        <configuration>
          <packageSources>
            <clear />
            <add key="local" value="../feed" />
          </packageSources>
        </configuration>
        """;

    private const string Program = """
        using ModelGen;

        var model = new Xor(seed: 1);
        var workspace = new Xor.Workspace(4);
        float[] x = [0, 0, 0, 1, 1, 0, 1, 1];
        int[] y = [0, 1, 1, 0];
        var adam = new Adam(0.05f);
        for (int i = 0; i < 500; i++) model.TrainStep(workspace, x, y, adam);
        model.Save("xor.safetensors");
        var loaded = new Xor();
        loaded.Load("xor.safetensors");
        var classes = new int[4];
        loaded.PredictClasses(x, classes);
        Console.WriteLine("classes " + string.Join(",", classes) + "; spec " + Xor.Spec);

        [Model, Input(2), Dense(8, Activation.Tanh), Dense(2, Activation.Softmax)]
        public partial class Xor;
        """;

    [Fact]
    public void A_console_project_that_references_only_the_package_trains_saves_and_loads_a_model()
    {
        string feed = Path.Combine(_folder.FullName, "feed");
        string sources = RepositoryCopy.Create(Path.Combine(_folder.FullName, "source"));
        string runtime = Path.Combine(sources, "runtime", "ModelGen.Runtime.csproj");
        var (packed, packOutput) = DotnetCli.Run(_folder.FullName, "pack", runtime, "-c", "Release", "-o", feed);
        Assert.True(packed == 0, "dotnet pack failed:\n" + packOutput);
        Assert.True(File.Exists(Path.Combine(feed, "ModelGen.0.1.0.nupkg")), "no ModelGen.0.1.0.nupkg in the feed:\n" + packOutput);
        Assert.True(File.Exists(Path.Combine(feed, "ModelGen.0.1.0.snupkg")), "no symbols package in the feed");

        string consumer = Directory.CreateDirectory(Path.Combine(_folder.FullName, "consumer")).FullName;
        File.WriteAllText(Path.Combine(consumer, "Consumer.csproj"), Project);
        File.WriteAllText(Path.Combine(consumer, "nuget.config"), NuGetConfig);
        File.WriteAllText(Path.Combine(consumer, "Program.cs"), Program);

        var (ran, output) = DotnetCli.Run(consumer, "run", "-c", "Release");
        Assert.True(ran == 0, "the consumer did not build or run:\n" + output);
        Assert.Contains("classes 0,1,1,0; spec input=2;Dense1=dense(8,tanh);Dense2=dense(2,softmax);loss=sparse_categorical_crossentropy", output, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(consumer, "xor.safetensors")));
        // The generator came from the package's analyzers folder, not from anywhere in the repository.
        Assert.True(File.Exists(Path.Combine(consumer, "packages", "modelgen", "0.1.0", "analyzers", "dotnet", "cs", "ModelGen.Generator.dll")));
    }
}
