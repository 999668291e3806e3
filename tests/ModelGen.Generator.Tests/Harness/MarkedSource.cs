using System.Collections.Immutable;
using Microsoft.CodeAnalysis.Text;

namespace ModelGen.Generator.Tests.Harness;

/// <summary>A diagnostic a test expects: its id and the span of source it points at.</summary>
public sealed record ExpectedDiagnostic(string Id, TextSpan Span);

/// <summary>
/// Source text with the expected diagnostics marked in place, as Roslyn's analyzer tests do:
/// <c>{|MG0001:Net|}</c> expects MG0001 exactly on "Net"; <c>{|MG0002,MG0004:Net|}</c> expects both there.
/// </summary>
public sealed record MarkedSource(string Text, ImmutableArray<ExpectedDiagnostic> Expected)
{
    public static MarkedSource Parse(string markup)
    {
        var text = new System.Text.StringBuilder();
        var expected = ImmutableArray.CreateBuilder<ExpectedDiagnostic>();
        int position = 0;
        while (true)
        {
            int open = markup.IndexOf("{|", position, StringComparison.Ordinal);
            if (open < 0) break;
            int colon = markup.IndexOf(':', open);
            int close = markup.IndexOf("|}", open, StringComparison.Ordinal);
            if (colon < 0 || close < 0 || colon > close)
                throw new FormatException($"Unterminated marker at offset {open}: expected {{|ID:text|}}.");
            text.Append(markup, position, open - position);
            int start = text.Length;
            text.Append(markup, colon + 1, close - colon - 1);
            var span = TextSpan.FromBounds(start, text.Length);
            foreach (string id in markup[(open + 2)..colon].Split(','))
                expected.Add(new ExpectedDiagnostic(id.Trim(), span));
            position = close + 2;
        }
        text.Append(markup, position, markup.Length - position);
        return new MarkedSource(text.ToString(), expected.ToImmutable());
    }
}
