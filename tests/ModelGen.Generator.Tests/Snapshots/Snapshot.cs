using System.Runtime.CompilerServices;

namespace ModelGen.Generator.Tests.Snapshots;

/// <summary>
/// Snapshot assertions with Verify.Xunit's conventions, so moving to Verify later is a package swap:
/// <c>await Snapshot.Verify(text)</c> compares <paramref name="text"/> with
/// <c>&lt;TestClass&gt;.&lt;TestMethod&gt;[.&lt;parameter&gt;].verified.&lt;extension&gt;</c>, committed next to the
/// test's source file (found through [CallerFilePath]; the test class must be named like its file).
/// On a mismatch it writes the <c>.received.</c> file beside it and fails with a diff; setting
/// <see cref="SnapshotMode.AcceptVariable"/>=1 accepts instead, except on CI (<c>CI=true</c>).
/// </summary>
public static class Snapshot
{
    public static Task Verify(
        string text,
        string? parameter = null,
        string extension = "cs",
        [CallerFilePath] string sourceFile = "",
        [CallerMemberName] string testMethod = "")
    {
        SnapshotFile file = SnapshotFile.For(sourceFile, testMethod, parameter, extension);
        SnapshotComparer.Check(file, text, SnapshotMode.FromEnvironment(Environment.GetEnvironmentVariable));
        return Task.CompletedTask;
    }
}
