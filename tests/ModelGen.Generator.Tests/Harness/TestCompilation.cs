using System.Collections.Immutable;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace ModelGen.Generator.Tests.Harness;

/// <summary>
/// Builds the compilations the generator runs on: the given sources, referencing ModelGen.Runtime and
/// the assemblies of the running .NET, with the settings a consumer project has (nullable on, XML doc
/// comments checked, so malformed docs in generated code show up as warnings).
/// </summary>
public static class TestCompilation
{
    public static CSharpParseOptions ParseOptions { get; } =
        new(LanguageVersion.Latest, DocumentationMode.Diagnose);

    // CS1591 (missing XML comment) is about the test's own declarations, which need no docs.
    private static readonly CSharpCompilationOptions Options =
        new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary)
            .WithNullableContextOptions(NullableContextOptions.Enable)
            .WithSpecificDiagnosticOptions([new KeyValuePair<string, ReportDiagnostic>("CS1591", ReportDiagnostic.Suppress)]);

    private static readonly Lazy<ImmutableArray<MetadataReference>> References = new(LoadReferences);

    /// <summary>The path of the <paramref name="index"/>th source given to <see cref="Create(string[])"/>.</summary>
    public static string DefaultPath(int index) => $"/src/Source{index}.cs";

    public static CSharpCompilation Create(params string[] sources) =>
        Create(sources.Select((text, index) => (DefaultPath(index), text)).ToArray());

    public static CSharpCompilation Create(params (string Path, string Text)[] sources) =>
        CSharpCompilation.Create("ModelGen.Consumer",
            sources.Select(source => Parse(source.Text, source.Path)),
            References.Value,
            Options);

    public static SyntaxTree Parse(string text, string path) =>
        CSharpSyntaxTree.ParseText(text, ParseOptions, path);

    private static ImmutableArray<MetadataReference> LoadReferences()
    {
        // The shared framework directory of the running .NET holds its implementation assemblies,
        // which compile against as well as reference assemblies do; native libraries there are skipped.
        string framework = Path.GetDirectoryName(typeof(object).Assembly.Location)!;
        var references = Directory.EnumerateFiles(framework, "*.dll")
            .Where(IsManagedAssembly)
            .OrderBy(path => path, StringComparer.Ordinal)
            .Select(path => (MetadataReference)MetadataReference.CreateFromFile(path))
            .ToList();
        references.Add(MetadataReference.CreateFromFile(typeof(ModelGen.ModelAttribute).Assembly.Location));
        return [.. references];
    }

    private static bool IsManagedAssembly(string path)
    {
        using FileStream stream = File.OpenRead(path);
        using var reader = new PEReader(stream);
        return reader.HasMetadata && reader.GetMetadataReader().IsAssembly;
    }
}
