using System.Text;
using Microsoft.CodeAnalysis;
using ModelGen.Generator.Tests.Harness;
using ModelGen.Generator.Tests.Snapshots;

namespace ModelGen.Generator.Tests.Onnx;

/// <summary>
/// Runs the generator on every case of <see cref="OnnxDiagnosticCases"/>: it must not throw, must report
/// exactly the marked MG diagnostics (on the [OnnxModel] attribute, naming the file, the node and what is
/// supported), and must add no file for a model it reports. Each case's diagnostics are a snapshot.
/// </summary>
public sealed class OnnxDiagnosticCorpusTests
{
    public static TheoryData<string> CaseNames => new(OnnxDiagnosticCases.All.Keys.Order(StringComparer.Ordinal));

    [Theory]
    [MemberData(nameof(CaseNames))]
    public Task Reports(string caseName)
    {
        OnnxCase @case = OnnxDiagnosticCases.All[caseName];
        MarkedSource source = MarkedSource.Parse(@case.Source);

        GeneratorRun run = GeneratorHarness.Run(@case.Files(), source.Text);

        GeneratorAssert.DidNotCrash(run);
        GeneratorAssert.GeneratedCodeHasNoProblems(run);
        var modelGen = run.GeneratorDiagnostics.Where(d => d.Id.StartsWith("MG", StringComparison.Ordinal)).ToList();
        Assert.Equal(
            source.Expected.Select(e => $"{e.Id} {e.Span}").Order(StringComparer.Ordinal),
            modelGen.Select(d => $"{d.Id} {d.Location.SourceSpan}").Order(StringComparer.Ordinal));
        Assert.All(modelGen, d => Assert.Equal(DiagnosticSeverity.Error, d.Severity));
        Assert.All(modelGen, d => Assert.Equal(TestCompilation.DefaultPath(0), d.Location.GetLineSpan().Path));
        if (modelGen.Count > 0) Assert.Empty(run.GeneratedFiles);
        else Assert.Empty(run.OutputProblems);

        var text = new StringBuilder();
        text.Append("Source:\n").Append(DiagnosticText.NumberedSource(source.Text));
        text.Append("\nONNX file: ").Append(@case.Description).Append('\n');
        text.Append("\nModelGen diagnostics:\n").Append(DiagnosticText.Render(run.GeneratorDiagnostics, run.OutputCompilation));
        var errors = DiagnosticText.Sorted(run.OutputDiagnostics.Where(d => d.Severity == DiagnosticSeverity.Error)).Select(DiagnosticText.Header).ToList();
        text.Append("\nCompiler errors:\n").Append(errors.Count == 0 ? "(none)\n" : string.Join("\n", errors) + "\n");
        text.Append("\nGenerated files: ")
            .Append(run.GeneratedFiles.IsEmpty ? "(none)" : string.Join(", ", run.GeneratedFiles.Select(f => f.HintName)))
            .Append('\n');
        return Snapshot.Verify(text.ToString(), parameter: caseName, extension: "txt");
    }

    /// <summary>The [OnnxModel] diagnostics: MG0030 to MG0038 (the graph diagnostics after them are the declarations').</summary>
    public static bool IsOnnxDiagnostic(string id) => string.CompareOrdinal(id, "MG0030") >= 0 && string.CompareOrdinal(id, "MG0038") <= 0;

    [Fact]
    public void CorpusCoversEveryOnnxDiagnostic()
    {
        var onnxIds = typeof(ModelGenerator).Assembly.GetType("ModelGen.Generator.Diagnostics", throwOnError: true)!
            .GetFields(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Static)
            .Where(f => f.FieldType == typeof(DiagnosticDescriptor))
            .Select(f => ((DiagnosticDescriptor)f.GetValue(null)!).Id)
            .Where(IsOnnxDiagnostic)
            .ToHashSet();
        var covered = OnnxDiagnosticCases.All.Values.SelectMany(c => MarkedSource.Parse(c.Source).Expected).Select(e => e.Id).ToHashSet();

        Assert.Equal(9, onnxIds.Count);
        Assert.Empty(onnxIds.Except(covered).Order());
        int files = OnnxDiagnosticCases.All.Values.Count(c => c.Source.Contains("{|MG003", StringComparison.Ordinal));
        Assert.True(files >= 15, $"The corpus has {files} cases of bad files; it must have at least 15.");
    }
}
