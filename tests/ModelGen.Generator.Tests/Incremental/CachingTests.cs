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
    private const string BlockModelPath = "/src/Classifier.cs";
    private const string BlocksPath = "/src/Blocks.cs";
    private const string UnusedBlockPath = "/src/Unused.cs";

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

    // A model whose layers come from a block declared in another file: ForAttributeWithMetadataName only re-runs
    // the model's transform when the model's own file changes, so the block must reach it through the pipeline.
    private const string BlockModel = """
        using ModelGen;

        namespace App;

        [Model]
        [Input(16)]
        [Use(typeof(Hidden), Filters = 8, Name = "Stage1")]
        [Dense(2, Activation.Softmax, Name = "Output")]
        public partial class Classifier;
        """;

    private const string Blocks = """
        using ModelGen;

        namespace App;

        [Block]
        [Dense(Block.Filters, Activation.ReLU, Name = "Wide")]
        [Dense(Block.Filters, Activation.ReLU, Name = "Narrow")]
        public static class Hidden;
        """;

    // A block no model uses: editing it must not redo any model's work.
    private const string UnusedBlock = """
        using ModelGen;

        namespace App;

        [Block]
        [Dense(Block.Filters, Activation.Tanh)]
        public static class Spare;
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
        CSharpCompilation compilation = TestCompilation.Create((ValidModelPath, ValidModel), (BrokenModelPath, BrokenModel), (OtherPath, Other),
            (BlockModelPath, BlockModel), (BlocksPath, Blocks), (UnusedBlockPath, UnusedBlock));
        GeneratorRun run = GeneratorHarness.Run(compilation);
        GeneratorAssert.DidNotCrash(run);
        Assert.Equal(["App.Classifier.g.cs", "App.Mnist.g.cs"], run.GeneratedFiles.Select(f => f.HintName).Order());
        Assert.Contains("public const int Stage1NarrowUnits = 8;", Classifier(run));
        Assert.Contains(run.GeneratorDiagnostics, d => d.Id == "MG0007");
        Assert.Contains(run.GeneratorDiagnostics, d => d.Id == "MG0019");
        return (compilation, run);
    }

    private static string Classifier(GeneratorRun run) => run.GeneratedFiles.Single(f => f.HintName == "App.Classifier.g.cs").Text;

    private static string Mnist(GeneratorRun run) => run.GeneratedFiles.Single(f => f.HintName == "App.Mnist.g.cs").Text;

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
        // The transforms run again on every compilation (their semantic model is new), but to equal plain values, so
        // the block expansion and resolution are not redone: their step reuses its outputs without running.
        foreach (string step in new[] { TrackingNames.Resolve, TrackingNames.Models })
        {
            Assert.All(TrackedSteps.Outputs(second.Result, step),
                o => Assert.True(o.Reason == IncrementalStepRunReason.Cached, $"After '{edit}', {step}: {o.Reason}"));
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
        Assert.Contains("public const int HiddenUnits = 64;", Mnist(second));
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
        Assert.Equal(["App.Mnist.g.cs", "App.Classifier.g.cs", "App.Broken.g.cs"], second.GeneratedFiles.Select(f => f.HintName).Order().Reverse());
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
        Assert.Equal(3, second.GeneratedFiles.Length);
    }

    [Fact]
    public void EditingABlockInAnotherFileRegeneratesTheModelThatUsesIt()
    {
        var (compilation, first) = FirstRun();

        GeneratorRun second = GeneratorHarness.Run(Replace(compilation, BlocksPath, Blocks.Replace(
            "[Dense(Block.Filters, Activation.ReLU, Name = \"Narrow\")]",
            "[Dense(Block.Filters, Activation.ReLU, Name = \"Narrow\")]\n[Dense(3, Activation.ReLU, Name = \"Extra\")]")), first.Driver);

        GeneratorAssert.DidNotCrash(second);
        Assert.Empty(second.OutputDiagnostics.Where(d => d.Severity == DiagnosticSeverity.Error));
        string classifier = Classifier(second);
        Assert.NotEqual(Classifier(first), classifier);
        Assert.Contains("public const int Stage1ExtraUnits = 3;", classifier);
        // Only the model that uses the block is redone; the other model's file is reused.
        Assert.Contains(TrackedSteps.Outputs(second.Result, TrackingNames.Blocks), o => o.Reason == IncrementalStepRunReason.Modified);
        Assert.Contains(TrackedSteps.Outputs(second.Result, TrackingNames.Resolve), o => o.Reason == IncrementalStepRunReason.Modified);
        Assert.Single(TrackedSteps.Outputs(second.Result, TrackingNames.Models), o => o.Reason == IncrementalStepRunReason.Modified);
        Assert.All(TrackedSteps.Outputs(second.Result, TrackingNames.Parse),
            o => Assert.True(o.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, o.Reason.ToString()));
        Assert.Equal(Mnist(first), Mnist(second));
    }

    [Fact]
    public void EditingABlockThatAnotherBlockUsesRegeneratesTheModel()
    {
        var (compilation, first) = FirstRun();
        const string TailPath = "/src/Tail.cs";
        const string Tail = """
            using ModelGen;

            namespace App;

            [Block]
            [Dense(Block.Filters, Activation.ReLU, Name = "Last")]
            public static class Tail;
            """;
        CSharpCompilation nested = Replace(compilation, BlocksPath, Blocks.Replace("public static class Hidden;",
            "[Use(typeof(Tail), Filters = 5, Name = \"End\")]\npublic static class Hidden;"))
            .AddSyntaxTrees(TestCompilation.Parse(Tail, TailPath));
        GeneratorRun second = GeneratorHarness.Run(nested, first.Driver);
        GeneratorAssert.DidNotCrash(second);
        Assert.Contains("public const int Stage1EndLastUnits = 5;", Classifier(second));

        GeneratorRun third = GeneratorHarness.Run(Replace(nested, TailPath, Tail.Replace("Name = \"Last\"", "Name = \"Final\"")), second.Driver);

        GeneratorAssert.DidNotCrash(third);
        Assert.Contains("public const int Stage1EndFinalUnits = 5;", Classifier(third));
        Assert.DoesNotContain("Stage1EndLastUnits", Classifier(third), StringComparison.Ordinal);
        Assert.Single(TrackedSteps.Outputs(third.Result, TrackingNames.Resolve), o => o.Reason == IncrementalStepRunReason.Modified);
        Assert.Equal(Mnist(second), Mnist(third));
    }

    [Fact]
    public void BreakingABlockInAnotherFileReportsItInTheModelThatUsesIt()
    {
        var (compilation, first) = FirstRun();

        GeneratorRun second = GeneratorHarness.Run(Replace(compilation, BlocksPath, Blocks.Replace("Name = \"Narrow\"", "Name = \"Wide\"")), first.Driver);

        GeneratorAssert.DidNotCrash(second);
        Assert.Contains(second.GeneratorDiagnostics, d => d.Id == "MG0009" && d.GetMessage(System.Globalization.CultureInfo.InvariantCulture).Contains("Classifier", StringComparison.Ordinal)
            && d.Location.GetLineSpan().Path == BlocksPath);
        Assert.Equal(["App.Mnist.g.cs"], second.GeneratedFiles.Select(f => f.HintName));

        // And fixing it again brings the model back.
        GeneratorRun third = GeneratorHarness.Run(compilation, second.Driver);
        Assert.Equal(Classifier(first), Classifier(third));
    }

    [Fact]
    public void EditingABlockNoModelUsesDoesNotRedoTheModels()
    {
        var (compilation, first) = FirstRun();

        GeneratorRun second = GeneratorHarness.Run(Replace(compilation, UnusedBlockPath, UnusedBlock.Replace("Activation.Tanh", "Activation.Sigmoid")), first.Driver);

        GeneratorAssert.DidNotCrash(second);
        Assert.Contains(TrackedSteps.Outputs(second.Result, TrackingNames.Blocks), o => o.Reason == IncrementalStepRunReason.Modified);
        foreach (string step in new[] { TrackingNames.Parse, TrackingNames.Resolve, TrackingNames.Models, TrackingNames.Diagnostics })
        {
            Assert.All(TrackedSteps.Outputs(second.Result, step),
                o => Assert.True(o.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, step + ": " + o.Reason));
        }
        // The emit steps (RegisterSourceOutput) did not run again.
        Assert.All(second.Result.TrackedOutputSteps.SelectMany(s => s.Value).SelectMany(s => s.Outputs),
            o => Assert.True(o.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, "output: " + o.Reason));
        Assert.Equal(first.GeneratedFiles.Select(f => f.Text), second.GeneratedFiles.Select(f => f.Text));
    }
}
