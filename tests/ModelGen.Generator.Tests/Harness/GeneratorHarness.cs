using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace ModelGen.Generator.Tests.Harness;

/// <summary>Runs ModelGen's generator in-process, the way the compiler does, with step tracking on.</summary>
public static class GeneratorHarness
{
    public static GeneratorDriver CreateDriver(IEnumerable<AdditionalText>? additionalTexts = null) =>
        CSharpGeneratorDriver.Create(
            [new ModelGenerator().AsSourceGenerator()],
            additionalTexts: additionalTexts,
            parseOptions: TestCompilation.ParseOptions,
            driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));

    public static GeneratorRun Run(params string[] sources) => Run(TestCompilation.Create(sources));

    /// <summary>Runs the generator on <paramref name="sources"/> with <paramref name="additionalTexts"/> as the project's AdditionalFiles.</summary>
    public static GeneratorRun Run(IEnumerable<AdditionalText> additionalTexts, params string[] sources) =>
        Run(TestCompilation.Create(sources), CreateDriver(additionalTexts));

    /// <summary>Runs <paramref name="driver"/> (a new one if null) on <paramref name="compilation"/>.</summary>
    public static GeneratorRun Run(Compilation compilation, GeneratorDriver? driver = null)
    {
        driver = (driver ?? CreateDriver())
            .RunGeneratorsAndUpdateCompilation(compilation, out Compilation output, out ImmutableArray<Diagnostic> generatorDiagnostics);
        GeneratorRunResult result = driver.GetRunResult().Results.Single();
        ImmutableArray<GeneratedFile> files =
            [.. result.GeneratedSources.Select(source => new GeneratedFile(source.HintName, source.SourceText.ToString()))];
        return new GeneratorRun(driver, result, files, generatorDiagnostics, output.GetDiagnostics(), output);
    }
}
