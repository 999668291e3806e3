using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using ModelGen.Generator.Tests.Harness;
using ModelGen.Tests.OnnxFiles;

namespace ModelGen.Generator.Tests.Incremental;

/// <summary>
/// [OnnxModel] caching: the ONNX file is parsed and mapped in its own step (ModelGen.OnnxFiles), keyed on the
/// additional file alone, so an edit to C# code reuses the parsed graph (the step's output is Cached, no
/// re-parse) and the generated files are not rewritten; an edited .onnx file (a new text copy from the build
/// step) is parsed again and regenerates the model.
/// </summary>
public sealed class OnnxCachingTests
{
    private const string ModelPath = "/src/Net.cs";
    private const string OtherPath = "/src/Other.cs";

    private const string Model = """
        using ModelGen;

        namespace App;

        [OnnxModel("models/net.onnx")]
        public partial class Net;
        """;

    private const string Other = """
        namespace App;

        public static class Helpers
        {
            public static int Twice(int x) => 2 * x;
        }
        """;

    private static readonly string[] OnnxSteps = [TrackingNames.OnnxFiles, TrackingNames.OnnxDeclarations, TrackingNames.OnnxResults, TrackingNames.OnnxModels];

    private static readonly AdditionalText Net = OnnxFiles.Encode(TestNetworks.TorchConvNet(channels: 2, classes: 3).ToBytes(), "models/net.onnx");
    private static readonly AdditionalText Other2 = OnnxFiles.Encode(TestNetworks.TorchMlp(inputs: 5, hidden: 4, outputs: 2).ToBytes(), "models/other.onnx");

    private static (CSharpCompilation Compilation, GeneratorRun Run) FirstRun()
    {
        CSharpCompilation compilation = TestCompilation.Create((ModelPath, Model), (OtherPath, Other));
        GeneratorRun run = GeneratorHarness.Run(compilation, GeneratorHarness.CreateDriver([Net, Other2]));
        GeneratorAssert.CompilesCleanly(run);
        Assert.Equal(["App.Net.g.cs", "App.Net.Parameters.g.cs"], run.GeneratedFiles.Select(f => f.HintName));
        Assert.Equal(2, TrackedSteps.Outputs(run.Result, TrackingNames.OnnxFiles).Count);
        return (compilation, run);
    }

    private static CSharpCompilation Replace(CSharpCompilation compilation, string path, string text) =>
        compilation.ReplaceSyntaxTree(compilation.SyntaxTrees.Single(t => t.FilePath == path), TestCompilation.Parse(text, path));

    private static void AssertReused(GeneratorRun run, params string[] steps)
    {
        foreach (string step in steps)
        {
            var outputs = TrackedSteps.Outputs(run.Result, step);
            Assert.NotEmpty(outputs);
            Assert.True(outputs.All(o => o.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged),
                $"{step}: {string.Join(", ", outputs.Select(o => o.Reason))}");
        }
    }

    public static TheoryData<string> UnrelatedEdits => new("AddClass", "EditMethodBodyInOtherFile", "AppendCommentToModelFile", "AddMemberToModel");

    [Theory]
    [MemberData(nameof(UnrelatedEdits))]
    public void UnrelatedEditReusesTheParsedGraph(string edit)
    {
        var (compilation, first) = FirstRun();
        CSharpCompilation edited = edit switch
        {
            "AddClass" => compilation.AddSyntaxTrees(TestCompilation.Parse("namespace App; public class Unrelated { public int Value; }", "/src/Unrelated.cs")),
            "EditMethodBodyInOtherFile" => Replace(compilation, OtherPath, Other.Replace("2 * x", "x + x", StringComparison.Ordinal)),
            "AppendCommentToModelFile" => Replace(compilation, ModelPath, Model + "\n// Trained with PyTorch.\n"),
            "AddMemberToModel" => Replace(compilation, ModelPath, Model.Replace("public partial class Net;", "public partial class Net { public static int Answer => 42; }", StringComparison.Ordinal)),
            _ => throw new ArgumentOutOfRangeException(nameof(edit)),
        };

        GeneratorRun second = GeneratorHarness.Run(edited, first.Driver);

        GeneratorAssert.DidNotCrash(second);
        // The file step is keyed on the additional file only: it is never re-run by a C# edit.
        Assert.All(TrackedSteps.Outputs(second.Result, TrackingNames.OnnxFiles), o => Assert.Equal(IncrementalStepRunReason.Cached, o.Reason));
        AssertReused(second, TrackingNames.OnnxResults, TrackingNames.OnnxModels);
        if (edit != "AddMemberToModel") AssertReused(second, TrackingNames.OnnxDeclarations);
        Assert.Equal(first.GeneratedFiles.OrderBy(f => f.HintName, StringComparer.Ordinal), second.GeneratedFiles.OrderBy(f => f.HintName, StringComparer.Ordinal));
    }

    [Fact]
    public void AnEditedOnnxFileIsParsedAgainAndRegenerates()
    {
        var (compilation, first) = FirstRun();
        AdditionalText retrained = OnnxFiles.Encode(TestNetworks.TorchConvNet(channels: 2, classes: 4).ToBytes(), "models/net.onnx");

        GeneratorRun second = GeneratorHarness.Run(compilation, first.Driver.ReplaceAdditionalText(Net, retrained));

        GeneratorAssert.CompilesCleanly(second);
        var files = TrackedSteps.Outputs(second.Result, TrackingNames.OnnxFiles);
        Assert.Contains(files, o => o.Reason == IncrementalStepRunReason.Modified);
        Assert.Contains(files, o => o.Reason == IncrementalStepRunReason.Cached); // models/other.onnx is not parsed again
        Assert.Contains(TrackedSteps.Outputs(second.Result, TrackingNames.OnnxModels), o => o.Reason == IncrementalStepRunReason.Modified);
        Assert.Contains("public const int fcUnits = 4;", second.GeneratedFiles.Single(f => f.HintName == "App.Net.g.cs").Text, StringComparison.Ordinal);
        Assert.NotEqual(first.GeneratedFiles.Single(f => f.HintName == "App.Net.Parameters.g.cs").Text, second.GeneratedFiles.Single(f => f.HintName == "App.Net.Parameters.g.cs").Text);
    }

    [Fact]
    public void TheSameBytesInANewTextCopyAreNotRegenerated()
    {
        // A rebuild that rewrites the text copy with the same bytes (e.g. after a clean) parses it again, but
        // the parsed model compares equal (a hash of the parameters first), so nothing is regenerated.
        var (compilation, first) = FirstRun();
        AdditionalText same = OnnxFiles.Encode(TestNetworks.TorchConvNet(channels: 2, classes: 3).ToBytes(), "models/net.onnx");

        GeneratorRun second = GeneratorHarness.Run(compilation, first.Driver.ReplaceAdditionalText(Net, same));

        GeneratorAssert.DidNotCrash(second);
        Assert.Contains(TrackedSteps.Outputs(second.Result, TrackingNames.OnnxFiles), o => o.Reason == IncrementalStepRunReason.Unchanged);
        AssertReused(second, TrackingNames.OnnxResults, TrackingNames.OnnxModels);
        Assert.Equal(first.GeneratedFiles.OrderBy(f => f.HintName, StringComparer.Ordinal), second.GeneratedFiles.OrderBy(f => f.HintName, StringComparer.Ordinal));
    }

    [Fact]
    public void PointingTheAttributeAtAnotherListedFileUsesItsCachedParse()
    {
        var (compilation, first) = FirstRun();

        GeneratorRun second = GeneratorHarness.Run(Replace(compilation, ModelPath, Model.Replace("models/net.onnx", "models/other.onnx", StringComparison.Ordinal)), first.Driver);

        GeneratorAssert.CompilesCleanly(second);
        Assert.All(TrackedSteps.Outputs(second.Result, TrackingNames.OnnxFiles), o => Assert.Equal(IncrementalStepRunReason.Cached, o.Reason));
        Assert.Contains(TrackedSteps.Outputs(second.Result, TrackingNames.OnnxModels), o => o.Reason == IncrementalStepRunReason.Modified);
        Assert.Contains("public const int fc2Units = 2;", second.GeneratedFiles.Single(f => f.HintName == "App.Net.g.cs").Text, StringComparison.Ordinal);
    }

    [Fact]
    public void TheOnnxStepsHoldNoRoslynObjects()
    {
        var (_, run) = FirstRun();
        var finder = new RoslynObjectFinder();
        int outputs = 0;
        foreach (string step in OnnxSteps)
            foreach (var (value, _) in TrackedSteps.Outputs(run.Result, step)) finder.Walk(value, $"{step}[{outputs++}]");
        Assert.Empty(finder.Found);
        var visited = finder.VisitedTypes.Select(t => t.Name).ToHashSet();
        foreach (string expected in new[] { "OnnxFile", "ImportedNetwork", "FloatData", "OnnxDeclaration", "ModelSpec", "ImportSpec", "Conv2DSpec", "DenseSpec", "Window" })
            Assert.Contains(expected, visited);
    }
}
