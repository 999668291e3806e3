using Microsoft.CodeAnalysis;

namespace ModelGen.Generator.Tests.Harness;

/// <summary>Assertions shared by the generator tests, with failure messages that show the diagnostics.</summary>
public static class GeneratorAssert
{
    /// <summary>The generator ran to completion: no exception, so no CS8785 "generator failed" warning.</summary>
    public static void DidNotCrash(GeneratorRun run)
    {
        Assert.True(run.Result.Exception is null, "The generator threw: " + run.Result.Exception);
        Assert.DoesNotContain(run.GeneratorDiagnostics, d => d.Id == "CS8785");
        Assert.DoesNotContain(run.OutputDiagnostics, d => d.Id == "CS8785");
    }

    /// <summary>The generator reported nothing and the output compilation has no error or warning.</summary>
    public static void CompilesCleanly(GeneratorRun run)
    {
        DidNotCrash(run);
        Assert.True(run.GeneratorDiagnostics.IsEmpty,
            "The generator reported:\n" + DiagnosticText.Render(run.GeneratorDiagnostics, run.OutputCompilation));
        Assert.True(run.OutputProblems.IsEmpty,
            "The output compilation has errors or warnings:\n" + DiagnosticText.Render(run.OutputProblems));
    }

    /// <summary>No error or warning of the output compilation lies in a generated file.</summary>
    public static void GeneratedCodeHasNoProblems(GeneratorRun run)
    {
        var generatedTrees = run.Result.GeneratedSources.Select(source => source.SyntaxTree).ToHashSet();
        var inGenerated = run.OutputProblems.Where(d => d.Location.SourceTree is { } tree && generatedTrees.Contains(tree)).ToList();
        Assert.True(inGenerated.Count == 0,
            "The generated code has errors or warnings:\n" + DiagnosticText.Render(inGenerated));
    }
}
