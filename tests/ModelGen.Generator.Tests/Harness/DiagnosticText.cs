using System.Globalization;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace ModelGen.Generator.Tests.Harness;

/// <summary>
/// Renders diagnostics as text for snapshots and failure messages: id, severity, line:column span
/// (1-based) and message, then the source line with the span underlined, so a reader sees what each
/// one points at. The generator's diagnostics carry file locations (path and span, no syntax tree,
/// so the pipeline can cache them); their source is found in <c>sources</c> by path.
/// </summary>
public static class DiagnosticText
{
    public static string Render(IEnumerable<Diagnostic> diagnostics, Compilation? sources = null)
    {
        var text = new StringBuilder();
        foreach (Diagnostic diagnostic in Sorted(diagnostics))
        {
            text.Append(Header(diagnostic)).Append(": ").Append(diagnostic.GetMessage(CultureInfo.InvariantCulture)).Append('\n');
            if (SourceOf(diagnostic.Location, sources) is SourceText source) AppendUnderline(text, source, diagnostic.Location);
        }
        return text.Length == 0 ? "(none)\n" : text.ToString();
    }

    /// <summary>"MG0001 error (3,14)-(3,17)": id, severity and where, without the message.</summary>
    public static string Header(Diagnostic diagnostic)
    {
        string severity = diagnostic.Severity.ToString().ToLowerInvariant();
        return $"{diagnostic.Id} {severity} {Where(diagnostic.Location)}";
    }

    public static string Where(Location location)
    {
        if (location.Kind is not (LocationKind.SourceFile or LocationKind.ExternalFile)) return "(no location)";
        LinePositionSpan span = location.GetLineSpan().Span;
        return string.Create(CultureInfo.InvariantCulture,
            $"({span.Start.Line + 1},{span.Start.Character + 1})-({span.End.Line + 1},{span.End.Character + 1})");
    }

    /// <summary>The source with a line-number gutter, for the top of a snapshot.</summary>
    public static string NumberedSource(string source)
    {
        var text = new StringBuilder();
        string[] lines = source.Replace("\r\n", "\n").Split('\n');
        for (int i = 0; i < lines.Length; i++)
            text.Append(string.Create(CultureInfo.InvariantCulture, $"{i + 1,4} | {lines[i]}").TrimEnd()).Append('\n');
        return text.ToString();
    }

    public static IEnumerable<Diagnostic> Sorted(IEnumerable<Diagnostic> diagnostics) =>
        diagnostics
            .OrderBy(d => d.Location.GetLineSpan().Path ?? "", StringComparer.Ordinal)
            .ThenBy(d => d.Location.SourceSpan.Start)
            .ThenBy(d => d.Id, StringComparer.Ordinal)
            .ThenBy(d => d.GetMessage(CultureInfo.InvariantCulture), StringComparer.Ordinal);

    private static SourceText? SourceOf(Location location, Compilation? sources)
    {
        if (location.SourceTree is SyntaxTree tree) return tree.GetText();
        if (location.Kind != LocationKind.ExternalFile || sources is null) return null;
        string path = location.GetLineSpan().Path;
        return sources.SyntaxTrees.FirstOrDefault(t => t.FilePath == path)?.GetText();
    }

    private static void AppendUnderline(StringBuilder text, SourceText source, Location location)
    {
        LinePositionSpan span = location.GetLineSpan().Span;
        TextLine line = source.Lines[span.Start.Line];
        int start = span.Start.Character;
        // A span over several lines is underlined to the end of its first line.
        int end = span.End.Line == span.Start.Line ? span.End.Character : line.Span.Length;
        text.Append(string.Create(CultureInfo.InvariantCulture, $"{span.Start.Line + 1,4} | {line}").TrimEnd()).Append('\n');
        text.Append("     | ").Append(' ', start).Append('^', Math.Max(1, end - start)).Append('\n');
    }
}
