using System.Text;
using Microsoft.CodeAnalysis;
using ModelGen.Generator.Tests.Harness;
using ModelGen.Generator.Tests.Onnx;
using ModelGen.Generator.Tests.Snapshots;

namespace ModelGen.Generator.Tests.DiagnosticCorpus;

/// <summary>
/// Runs the generator on every case of <see cref="DiagnosticCases"/>: it must not throw, must report
/// exactly the marked MG diagnostics, and must never add a file that fails to compile. Each case's
/// diagnostics, as the user sees them, are a snapshot of their own, for reviewing the wording.
/// </summary>
public sealed class DiagnosticCorpusTests
{
    public static TheoryData<string> CaseNames => new(DiagnosticCases.All.Keys.Order(StringComparer.Ordinal));

    [Theory]
    [MemberData(nameof(CaseNames))]
    public Task Reports(string caseName)
    {
        MarkedSource source = MarkedSource.Parse(DiagnosticCases.All[caseName]);

        GeneratorRun run = GeneratorHarness.Run(source.Text);

        GeneratorAssert.DidNotCrash(run);
        GeneratorAssert.GeneratedCodeHasNoProblems(run);
        var modelGen = run.GeneratorDiagnostics.Where(d => d.Id.StartsWith("MG", StringComparison.Ordinal)).ToList();
        Assert.Equal(
            source.Expected.Select(e => $"{e.Id} {e.Span}").Order(StringComparer.Ordinal),
            modelGen.Select(d => $"{d.Id} {d.Location.SourceSpan}").Order(StringComparer.Ordinal));
        Assert.All(modelGen, d => Assert.Equal(DiagnosticSeverity.Error, d.Severity));
        Assert.All(modelGen, d => Assert.Equal(TestCompilation.DefaultPath(0), d.Location.GetLineSpan().Path));
        // A model with an MG error gets no generated file (the two in the last case are valid).
        if (modelGen.Count > 0) Assert.Empty(run.GeneratedFiles);

        return Snapshot.Verify(Render(source.Text, run), parameter: caseName, extension: "txt");
    }

    [Fact]
    public void CorpusCoversEveryDiagnosticTheGeneratorDefines()
    {
        var defined = typeof(ModelGenerator).Assembly.GetType("ModelGen.Generator.Diagnostics", throwOnError: true)!
            .GetFields(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Static)
            .Where(f => f.FieldType == typeof(DiagnosticDescriptor))
            .Select(f => ((DiagnosticDescriptor)f.GetValue(null)!).Id)
            // MG9999 is the guard that turns an exception into a diagnostic: no valid input reaches it.
            .Where(id => id != "MG9999")
            // The [OnnxModel] diagnostics (MG0030 to MG0038) have their own corpus of files: OnnxDiagnosticCorpusTests.
            .Where(id => !OnnxDiagnosticCorpusTests.IsOnnxDiagnostic(id))
            .ToHashSet();
        var covered = DiagnosticCases.All.Values.SelectMany(c => MarkedSource.Parse(c).Expected).Select(e => e.Id).ToHashSet();

        Assert.Equal(39, defined.Count);
        Assert.Empty(defined.Except(covered).Order());
        Assert.True(DiagnosticCases.All.Count >= 85, "The corpus must have at least 85 cases.");
        Assert.True(LayerVocabularyCases.All.Count >= 20, "The layer vocabulary must have at least 20 cases.");
        Assert.True(GraphVocabularyCases.All.Count(c => c.Value.Contains("{|MG", StringComparison.Ordinal)) >= 15,
            "The graph vocabulary must have at least 15 cases of bad declarations.");
    }

    /// <summary>The case's source, the generator's diagnostics and the compiler errors, as one text.</summary>
    private static string Render(string source, GeneratorRun run)
    {
        var text = new StringBuilder();
        text.Append("Source:\n").Append(DiagnosticText.NumberedSource(source));
        text.Append("\nModelGen diagnostics:\n").Append(DiagnosticText.Render(run.GeneratorDiagnostics, run.OutputCompilation));
        // Compiler errors by id and place only: their wording belongs to the compiler version.
        var errors = DiagnosticText.Sorted(run.OutputDiagnostics.Where(d => d.Severity == DiagnosticSeverity.Error))
            .Select(d => DiagnosticText.Header(d))
            .ToList();
        text.Append("\nCompiler errors:\n").Append(errors.Count == 0 ? "(none)\n" : string.Join("\n", errors) + "\n");
        text.Append("\nGenerated files: ")
            .Append(run.GeneratedFiles.IsEmpty ? "(none)" : string.Join(", ", run.GeneratedFiles.Select(f => f.HintName)))
            .Append('\n');
        return text.ToString();
    }
}
