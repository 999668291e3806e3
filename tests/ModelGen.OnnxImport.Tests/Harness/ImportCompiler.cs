using System.Collections.Immutable;
using System.Reflection;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Runtime.Loader;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Text;
using ModelGen.Generator;

namespace ModelGen.OnnxImport.Tests.Harness;

/// <summary>
/// Compiles an [OnnxModel] class over given ONNX bytes the way the compiler does (the generator gets the
/// text copy that build/ModelGen.targets writes), loads the assembly and returns a handle to run it. The
/// compiled assembly holds a small static class that calls the generated members, so the tests call plain
/// methods on arrays through reflection.
/// </summary>
public static class ImportCompiler
{
    private static readonly Lazy<ImmutableArray<MetadataReference>> References = new(LoadReferences);

    /// <param name="harnessMembers">More static members of the Harness class (C# source; the class is named <paramref name="className"/>), for <see cref="ImportedModel.Invoke"/>.</param>
    public static ImportedModel Compile(byte[] onnx, string className = "Net", string harnessMembers = "")
    {
        string source = $$"""
            using System;
            using ModelGen;
            namespace Imported;
            [OnnxModel("models/net.onnx")]
            public partial class {{className}};
            public static class Harness
            {
                public static int InputSize => {{className}}.InputSize;
                public static int OutputSize => {{className}}.OutputSize;
                public static string Spec => {{className}}.Spec;
                public static float[] Parameters() => new {{className}}().Parameters;
                public static float[] PredictBatch(float[] inputs)
                {
                    var model = new {{className}}();
                    var outputs = new float[inputs.Length / InputSize * OutputSize];
                    model.PredictBatch(inputs, outputs);
                    return outputs;
                }
                public static float[] PredictEach(float[] inputs)
                {
                    var model = new {{className}}();
                    var outputs = new float[inputs.Length / InputSize * OutputSize];
                    for (int s = 0; s < inputs.Length / InputSize; s++)
                        model.Predict(inputs.AsSpan(s * InputSize, InputSize), outputs.AsSpan(s * OutputSize, OutputSize));
                    return outputs;
                }
                public static float[] Forward(float[] inputs)
                {
                    var model = new {{className}}();
                    var workspace = model.CreateWorkspace(inputs.Length / InputSize);
                    model.Forward(workspace, inputs);
                    return workspace.Outputs.ToArray();
                }
                public static void Save(string path) => new {{className}}().Save(path);
                public static void ExportOnnx(string path) => new {{className}}().ExportOnnx(path);
            {{harnessMembers}}
            }
            """;
        CSharpCompilation compilation = CSharpCompilation.Create("Imported" + Guid.NewGuid().ToString("N"),
            [CSharpSyntaxTree.ParseText(source, new CSharpParseOptions(LanguageVersion.Latest), "/project/Net.cs")],
            References.Value,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, optimizationLevel: OptimizationLevel.Release, nullableContextOptions: NullableContextOptions.Enable));
        GeneratorDriver driver = CSharpGeneratorDriver.Create([new ModelGenerator().AsSourceGenerator()],
            additionalTexts: [new Text("/project/obj/modelgen/net.onnx.b64", Encode(onnx, "models/net.onnx"))]);
        driver = driver.RunGeneratorsAndUpdateCompilation(compilation, out Compilation output, out ImmutableArray<Diagnostic> generatorDiagnostics);
        var problems = generatorDiagnostics.Concat(output.GetDiagnostics()).Where(d => d.Severity >= DiagnosticSeverity.Warning).ToList();
        if (problems.Count > 0) throw new InvalidOperationException("The import does not compile:\n" + string.Join("\n", problems));
        using var stream = new MemoryStream();
        var emitted = output.Emit(stream);
        if (!emitted.Success) throw new InvalidOperationException("Emit failed:\n" + string.Join("\n", emitted.Diagnostics));
        Assembly assembly = new AssemblyLoadContext(null, isCollectible: true).LoadFromStream(new MemoryStream(stream.ToArray()));
        var generated = driver.GetRunResult().Results.Single().GeneratedSources.Select(s => (s.HintName, s.SourceText.ToString())).ToList();
        return new ImportedModel(assembly.GetType("Imported.Harness", throwOnError: true)!, generated);
    }

    /// <summary>The text build/ModelGen.targets writes for a file listed as <paramref name="projectPath"/>.</summary>
    public static string Encode(byte[] bytes, string projectPath) =>
        "modelgen-onnx-base64 1\n" + projectPath + "\n/project/" + projectPath + "\n" +
        Convert.ToBase64String(bytes, Base64FormattingOptions.InsertLineBreaks).Replace("\r\n", "\n", StringComparison.Ordinal) + "\n";

    private static ImmutableArray<MetadataReference> LoadReferences()
    {
        string framework = Path.GetDirectoryName(typeof(object).Assembly.Location)!;
        var references = Directory.EnumerateFiles(framework, "*.dll").Where(IsManagedAssembly)
            .Select(path => (MetadataReference)MetadataReference.CreateFromFile(path)).ToList();
        references.Add(MetadataReference.CreateFromFile(typeof(ModelAttribute).Assembly.Location));
        return [.. references];
    }

    private static bool IsManagedAssembly(string path)
    {
        using FileStream stream = File.OpenRead(path);
        using var reader = new PEReader(stream);
        return reader.HasMetadata && reader.GetMetadataReader().IsAssembly;
    }

    private sealed class Text(string path, string text) : AdditionalText
    {
        public override string Path { get; } = path;
        public override SourceText GetText(CancellationToken cancellationToken = default) => SourceText.From(text, Encoding.UTF8);
    }
}

/// <summary>An imported model compiled in memory.</summary>
public sealed class ImportedModel(Type harness, IReadOnlyList<(string HintName, string Text)> generatedFiles)
{
    public IReadOnlyList<(string HintName, string Text)> GeneratedFiles { get; } = generatedFiles;

    public int InputSize => (int)Get("InputSize");
    public int OutputSize => (int)Get("OutputSize");
    public string Spec => (string)Get("Spec");

    public float[] Parameters() => (float[])Call("Parameters");
    public float[] PredictBatch(float[] inputs) => (float[])Call("PredictBatch", inputs);
    public float[] PredictEach(float[] inputs) => (float[])Call("PredictEach", inputs);
    public float[] Forward(float[] inputs) => (float[])Call("Forward", inputs);
    public void Save(string path) => Call("Save", path);
    public void ExportOnnx(string path) => Call("ExportOnnx", path);

    /// <summary>Calls a static member of the harness, such as one given to Compile as harnessMembers.</summary>
    public object Invoke(string method, params object[] arguments) => Call(method, arguments);

    private object Get(string property) => harness.GetProperty(property)!.GetValue(null)!;

    private object Call(string method, params object[] arguments) => harness.GetMethod(method)!.Invoke(null, arguments)!;
}
