using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using ModelGen.Generator.Tests.Harness;

namespace ModelGen.Generator.Tests.Incremental;

/// <summary>
/// Nothing from Roslyn's object model may travel through the pipeline: it would keep old
/// compilations alive and make every comparison fail, so nothing would ever be cached.
/// </summary>
public sealed class PipelineValueTests
{
    [Fact]
    public void TrackedOutputsHoldNoRoslynObjects()
    {
        // Valid and invalid models, nested and not, so every step has outputs of every shape.
        GeneratorRun run = GeneratorHarness.Run(
            """
            using ModelGen;
            namespace App;
            [Model, Input(4), Dense(8, Activation.LeakyReLU, Slope = 0.1f, Name = "Hidden"), Dense(3, Activation.Softmax)]
            public partial class Valid { public int Count; }
            public partial class Outer { [Model, Input(2), Dense(1)] internal partial class Nested; }
            [Model, Input(9, 7, 2), Conv2D(4, 3, Activation.ReLU, Padding = Padding.Same), MaxPool2D(2), Flatten, Dropout(0.25), Dense(3, Activation.Softmax)]
            public partial class Convolutional;
            [Input(4), Dense(2)]
            public partial class NoModelAttribute;
            [Block, Dense(Block.Filters, Activation.ReLU), Use(typeof(Inner), Filters = Block.Filters)]
            public static class Stack;
            [Block, Dense(Block.Filters), Add("Dense1", Block.Input)]
            public static class Inner;
            [Model, Input(6), Use(typeof(Stack), Filters = 6, Repeat = 2), Dense(2, Activation.Softmax)]
            public partial class Blocked;
            """,
            """
            using ModelGen;
            [Model(Loss = Loss.MeanSquaredError), Input(0), Dense(2, Activation.Softmax, Name = "1x")]
            public class Invalid;
            """);
        GeneratorAssert.DidNotCrash(run);
        Assert.Contains(run.GeneratedFiles, f => f.HintName == "App.Blocked.g.cs");

        var finder = new RoslynObjectFinder();
        int outputs = 0;
        foreach (string step in TrackedSteps.Names)
        {
            foreach (var (value, _) in TrackedSteps.Outputs(run.Result, step))
                finder.Walk(value, $"{step}[{outputs++}]");
        }

        Assert.Empty(finder.Found);
        // The walk must have reached into the values, not stopped at the top.
        var visited = finder.VisitedTypes.Select(t => t.Name).ToHashSet();
        foreach (string expected in new[] { "ParseResult", "ModelSpec", "DenseSpec", "Conv2DSpec", "MaxPool2DSpec", "FlattenSpec", "DropoutSpec", "Window", "ActivationSpec", "Shape", "ContainingType", "DiagnosticInfo", "LocationInfo", "EquatableArray`1",
            "RawModel", "RawBlock", "ModelWithBlocks", "RawLayer", "RawAttribute", "RawArgument", "ArgumentValue", "TypeRef", "UserMember" })
            Assert.Contains(expected, visited);
        Assert.True(outputs >= 6, $"Only {outputs} tracked outputs were walked.");
    }

    [Fact]
    public void FinderFindsRoslynObjectsHiddenInsideValues()
    {
        SyntaxTree tree = CSharpSyntaxTree.ParseText("class C { }");
        CSharpCompilation compilation = CSharpCompilation.Create("x", [tree]);
        INamedTypeSymbol symbol = compilation.GetTypeByMetadataName("C")!;
        var value = new
        {
            Plain = 1,
            Nested = new { Deep = new object[] { "text", tree.GetRoot() } },
            Tuple = (1, symbol),
            Model = compilation.GetSemanticModel(tree),
            Where = tree.GetRoot().GetLocation(),
            Nowhere = Location.None,
        };

        var finder = new RoslynObjectFinder();
        finder.Walk(value, "value");

        Assert.Equal(4, finder.Found.Count);
        Assert.Contains(finder.Found, f => f.Contains("[1]: SyntaxNode", StringComparison.Ordinal));
        Assert.Contains(finder.Found, f => f.Contains("Item2: ISymbol", StringComparison.Ordinal));
        Assert.Contains(finder.Found, f => f.Contains(": SemanticModel", StringComparison.Ordinal));
        Assert.Contains(finder.Found, f => f.Contains(": Location in source", StringComparison.Ordinal));
    }
}
