using System.Globalization;
using System.Text;
using DiffPlex;
using DiffPlex.Chunkers;
using DiffPlex.Model;

namespace ModelGen.Generator.Tests.Snapshots;

/// <summary>
/// A unified-style line diff for failure messages: only the changed lines and a few lines of
/// context around them, each line marked ' ', '-' or '+' and numbered in the verified and received text.
/// </summary>
public static class SnapshotDiff
{
    /// <summary>Past this many printed lines the diff is cut: the received file has the rest.</summary>
    private const int MaxLines = 200;

    public static string Render(string verified, string received, int context = 3)
    {
        DiffResult diff = Differ.Instance.CreateDiffs(verified, received, ignoreWhiteSpace: false, ignoreCase: false, LineChunker.Instance);
        List<Line> lines = ToLines(diff);

        var output = new StringBuilder();
        output.Append("--- verified\n+++ received\n");
        int printed = 0;
        foreach ((int start, int end) in Hunks(lines, context))
        {
            int oldCount = lines.Skip(start).Take(end - start).Count(l => l.Old is not null);
            int newCount = lines.Skip(start).Take(end - start).Count(l => l.New is not null);
            output.Append(CultureInfo.InvariantCulture,
                $"@@ -{FirstNumber(lines, start, end, l => l.Old)},{oldCount} +{FirstNumber(lines, start, end, l => l.New)},{newCount} @@\n");
            for (int i = start; i < end; i++)
            {
                if (printed++ == MaxLines)
                {
                    output.Append("... (diff cut; see the received file)\n");
                    return output.ToString();
                }
                Line line = lines[i];
                char marker = line.Old is null ? '+' : line.New is null ? '-' : ' ';
                output.Append(CultureInfo.InvariantCulture,
                    $"{marker}{Number(line.Old),5} {Number(line.New),5} | {line.Text}\n");
            }
        }
        return output.ToString();
    }

    /// <summary>One line of the merged view; Old/New are 1-based line numbers, null where the line is absent.</summary>
    private sealed record Line(int? Old, int? New, string Text)
    {
        public bool Changed => Old is null || New is null;
    }

    private static List<Line> ToLines(DiffResult diff)
    {
        var lines = new List<Line>();
        int a = 0, b = 0;
        foreach (DiffBlock block in diff.DiffBlocks)
        {
            for (; a < block.DeleteStartA; a++, b++) lines.Add(new Line(a + 1, b + 1, diff.PiecesOld[a]));
            for (int i = 0; i < block.DeleteCountA; i++, a++) lines.Add(new Line(a + 1, null, diff.PiecesOld[a]));
            for (int i = 0; i < block.InsertCountB; i++, b++) lines.Add(new Line(null, b + 1, diff.PiecesNew[b]));
        }
        for (; a < diff.PiecesOld.Count; a++, b++) lines.Add(new Line(a + 1, b + 1, diff.PiecesOld[a]));
        return lines;
    }

    /// <summary>Ranges [start, end) of the merged lines: each change with its context, overlapping ones joined.</summary>
    private static IEnumerable<(int Start, int End)> Hunks(List<Line> lines, int context)
    {
        int? start = null;
        int end = 0;
        for (int i = 0; i < lines.Count; i++)
        {
            if (!lines[i].Changed) continue;
            int from = Math.Max(0, i - context), to = Math.Min(lines.Count, i + context + 1);
            if (start is not null && from > end)
            {
                yield return (start.Value, end);
                start = null;
            }
            start ??= from;
            end = to;
        }
        if (start is not null) yield return (start.Value, end);
    }

    // The hunk header's start line: the first numbered line of the hunk, or for an empty side the line before it.
    private static int FirstNumber(List<Line> lines, int start, int end, Func<Line, int?> number)
    {
        for (int i = start; i < end; i++)
            if (number(lines[i]) is int n) return n;
        for (int i = start - 1; i >= 0; i--)
            if (number(lines[i]) is int n) return n;
        return 0;
    }

    private static string Number(int? line) => line?.ToString(CultureInfo.InvariantCulture) ?? "";
}
