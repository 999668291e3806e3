using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using ModelGen.Generator.Tests.Harness;

namespace ModelGen.Generator.Tests.Incremental;

/// <summary>
/// The pipeline must cache: an edit that does not touch a model's declaration must not redo its
/// work (every tracked output Cached or Unchanged), and an edit that does must be seen.
/// </summary>
public sealed class CachingTests
{
    private const string ValidModelPath = "/src/Mnist.cs";
    private const string BrokenModelPath = "/src/Broken.cs";
    private const string OtherPath = "/src/Other.cs";

    private const string ValidModel = """
        using ModelGen;

        namespace App;

        [Model]
        [Input(784)]
        [Dense(128, Activation.ReLU, Name = "Hidden")]
        [Dense(10, Activation.Softmax, Name = "Output")]
        public partial class Mnist;
        """;

    // Invalid on purpose, so the diagnostics step has an output to cache too.
    private const string BrokenModel = """
        using ModelGen;

        namespace App;

        [Model, Input(4), Dense(8, Activation.Softmax), Dense(2)]
        public partial class Broken;

        // Layers without [Model], so the missing-[Model] step has an output to cache too.
        [Input(4), Dense(2)]
        public partial class Forgotten;
        """;

    private const string Other = """
        namespace App;

        public static class Helpers
        {
            public static int Twice(int x) => 2 * x;
        }
        """;

    /// <summary>The first run on the three files; its driver is what the second run starts from.</summary>
    private static (CSharpCompilation Compilation, GeneratorRun Run) FirstRun()
    {
        CSharpCompilation compilation = TestCompilation.Create((ValidModelPath, ValidModel), (BrokenModelPath, BrokenModel), (OtherPath, Other));
        GeneratorRun run = GeneratorHarness.Run(compilation);
        GeneratorAssert.DidNotCrash(run);
        Assert.Single(run.GeneratedFiles);
        Assert.Contains(run.GeneratorDiagnostics, d => d.Id == "MG0007");
        Assert.Contains(run.GeneratorDiagnostics, d => d.Id == "MG0019");
        return (compilation, run);
    }

    private static CSharpCompilation Replace(CSharpCompilation compilation, string path, string text) =>
        compilation.ReplaceSyntaxTree(
            compilation.SyntaxTrees.Single(t => t.FilePath == path),
            TestCompilation.Parse(text, path));

    public static TheoryData<string> UnrelatedEdits => new(
        "AddClass", "AddCommentToOtherFile", "EditMethodBodyInOtherFile", "AppendCommentToModelFile", "RemoveOtherFile");

    private static CSharpCompilation ApplyUnrelatedEdit(CSharpCompilation compilation, string edit) => edit switch
    {
        "AddClass" => compilation.AddSyntaxTrees(TestCompilation.Parse("namespace App; public class Unrelated { public int Value; }", "/src/Unrelated.cs")),
        "AddCommentToOtherFile" => Replace(compilation, OtherPath, "// A comment.\n" + Other),
        "EditMethodBodyInOtherFile" => Replace(compilation, OtherPath, Other.Replace("2 * x", "x + x")),
        // The model's own file changes after its declaration: its transform re-runs, but to an equal result.
        "AppendCommentToModelFile" => Replace(compilation, ValidModelPath, ValidModel + "\n// Trained on MNIST.\n"),
        "RemoveOtherFile" => compilation.RemoveSyntaxTrees(compilation.SyntaxTrees.Single(t => t.FilePath == OtherPath)),
        _ => throw new ArgumentOutOfRangeException(nameof(edit), edit, null),
    };

    [Theory]
    [MemberData(nameof(UnrelatedEdits))]
    public void UnrelatedEditReusesEveryStep(string edit)
    {
        var (compilation, first) = FirstRun();

        GeneratorRun second = GeneratorHarness.Run(ApplyUnrelatedEdit(compilation, edit), first.Driver);

        GeneratorAssert.DidNotCrash(second);
        foreach (string step in TrackedSteps.Names)
        {
            var outputs = TrackedSteps.Outputs(second.Result, step);
            Assert.NotEmpty(outputs);
            Assert.True(outputs.All(o => o.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged),
                $"After '{edit}', step {step} redid work:\n{TrackedSteps.Describe(second.Result)}");
        }
        Assert.Equal(first.GeneratedFiles.Select(f => f.HintName), second.GeneratedFiles.Select(f => f.HintName));
        Assert.Equal(first.GeneratedFiles.Select(f => f.Text), second.GeneratedFiles.Select(f => f.Text));
    }

    [Fact]
    public void EditingTheModelsAttributesIsSeen()
    {
        var (compilation, first) = FirstRun();

        GeneratorRun second = GeneratorHarness.Run(
            Replace(compilation, ValidModelPath, ValidModel.Replace("Dense(128,", "Dense(64,")), first.Driver);

        GeneratorAssert.DidNotCrash(second);
        Assert.Contains(TrackedSteps.Outputs(second.Result, TrackingNames.Parse), o => o.Reason == IncrementalStepRunReason.Modified);
        Assert.Contains(TrackedSteps.Outputs(second.Result, TrackingNames.Models), o => o.Reason == IncrementalStepRunReason.Modified);
        // The other model's declaration did not change.
        Assert.All(TrackedSteps.Outputs(second.Result, TrackingNames.Diagnostics),
            o => Assert.True(o.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, o.Reason.ToString()));
        Assert.Contains("public const int HiddenUnits = 64;", Assert.Single(second.GeneratedFiles).Text);
    }

    [Fact]
    public void FixingABrokenModelAddsItAndDropsItsDiagnostics()
    {
        var (compilation, first) = FirstRun();

        GeneratorRun second = GeneratorHarness.Run(
            Replace(compilation, BrokenModelPath, BrokenModel.Replace("Dense(8, Activation.Softmax)", "Dense(8, Activation.ReLU)")), first.Driver);

        GeneratorAssert.DidNotCrash(second);
        Assert.Contains(TrackedSteps.Outputs(second.Result, TrackingNames.Parse), o => o.Reason == IncrementalStepRunReason.Modified);
        Assert.Contains(TrackedSteps.Outputs(second.Result, TrackingNames.Models), o => o.Reason == IncrementalStepRunReason.New);
        Assert.Contains(TrackedSteps.Outputs(second.Result, TrackingNames.Diagnostics), o => o.Reason == IncrementalStepRunReason.Removed);
        Assert.Equal(["MG0019"], second.GeneratorDiagnostics.Select(d => d.Id)); // only the class without [Model] is left
        Assert.Equal(["App.Mnist.g.cs", "App.Broken.g.cs"], second.GeneratedFiles.Select(f => f.HintName).Order().Reverse());
    }

    [Fact]
    public void AddingAModelIsSeen()
    {
        var (compilation, first) = FirstRun();

        GeneratorRun second = GeneratorHarness.Run(compilation.AddSyntaxTrees(TestCompilation.Parse(
            "using ModelGen; namespace App; [Model, Input(3), Dense(1, Activation.Sigmoid)] public partial class Tiny;", "/src/Tiny.cs")), first.Driver);

        GeneratorAssert.DidNotCrash(second);
        Assert.Contains(TrackedSteps.Outputs(second.Result, TrackingNames.Parse), o => o.Reason == IncrementalStepRunReason.New);
        Assert.Contains(TrackedSteps.Outputs(second.Result, TrackingNames.Models), o => o.Reason == IncrementalStepRunReason.New);
        Assert.Equal(2, second.GeneratedFiles.Length);
    }
}
