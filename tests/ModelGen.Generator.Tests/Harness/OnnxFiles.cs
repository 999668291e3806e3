using System.Collections.Immutable;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace ModelGen.Generator.Tests.Harness;

/// <summary>An additional file held in memory, as the compiler hands one to generators.</summary>
public sealed class InMemoryAdditionalText(string path, string text) : AdditionalText
{
    private readonly SourceText _text = SourceText.From(text, Encoding.UTF8);

    public override string Path { get; } = path;

    public override SourceText GetText(CancellationToken cancellationToken = default) => _text;
}

/// <summary>
/// ONNX files as the generator receives them: the text copy that runtime/build/ModelGen.targets writes into
/// obj/ (a header line, the item's path, its full path, then base64), beside the raw .onnx file the project
/// lists, which the generator cannot read and ignores.
/// </summary>
public static class OnnxFiles
{
    public const string ProjectFolder = "/project/";

    /// <summary>The text the build step writes for <paramref name="bytes"/> listed as <paramref name="projectPath"/>.</summary>
    public static string EncodedText(byte[] bytes, string projectPath) =>
        "modelgen-onnx-base64 1\n" + projectPath + "\n" + ProjectFolder + projectPath + "\n" +
        Convert.ToBase64String(bytes, Base64FormattingOptions.InsertLineBreaks).Replace("\r\n", "\n", StringComparison.Ordinal) + "\n";

    /// <summary>The additional files of a project that lists <paramref name="projectPath"/> and imports ModelGen.targets.</summary>
    public static ImmutableArray<AdditionalText> Encoded(byte[] bytes, string projectPath) =>
    [
        new InMemoryAdditionalText(ProjectFolder + projectPath, "(binary)"),
        Encode(bytes, projectPath),
    ];

    public static AdditionalText Encode(byte[] bytes, string projectPath) =>
        new InMemoryAdditionalText(ProjectFolder + "obj/modelgen/" + Path.GetFileNameWithoutExtension(projectPath) + ".onnx.b64", EncodedText(bytes, projectPath));
}
