using System.Collections.Immutable;
using Microsoft.CodeAnalysis;

namespace ModelGen.Generator.Tests.Harness;

/// <summary>One generated file: its hint name and text.</summary>
public sealed record GeneratedFile(string HintName, string Text);

/// <summary>What one run of the generator produced.</summary>
/// <param name="Driver">The driver after the run; run it again on an edited compilation to test caching.</param>
/// <param name="Result">The generator's run result (tracked steps, exception).</param>
/// <param name="GeneratedFiles">The generated files, in the order the generator added them.</param>
/// <param name="GeneratorDiagnostics">What the generator reported (MG…), plus CS8785 if it threw.</param>
/// <param name="OutputDiagnostics">The diagnostics of the compilation with the generated files added.</param>
/// <param name="OutputCompilation">The compilation with the generated files added.</param>
public sealed record GeneratorRun(
    GeneratorDriver Driver,
    GeneratorRunResult Result,
    ImmutableArray<GeneratedFile> GeneratedFiles,
    ImmutableArray<Diagnostic> GeneratorDiagnostics,
    ImmutableArray<Diagnostic> OutputDiagnostics,
    Compilation OutputCompilation)
{
    /// <summary>The output compilation's errors and warnings (hidden and info diagnostics left out).</summary>
    public ImmutableArray<Diagnostic> OutputProblems =>
        [.. OutputDiagnostics.Where(d => d.Severity >= DiagnosticSeverity.Warning)];
}
