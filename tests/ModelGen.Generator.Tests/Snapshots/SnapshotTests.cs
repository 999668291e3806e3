namespace ModelGen.Generator.Tests.Snapshots;

/// <summary>The snapshot helper itself: it must pass on a match and fail, usefully, on anything else.</summary>
public sealed class SnapshotTests : IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("modelgen-snapshot-tests-");

    public void Dispose() => _directory.Delete(recursive: true);

    private SnapshotFile File(string name = "Tests.Case") => new(_directory.FullName, name, "cs");

    private static string Lines(int count, Func<int, string> line) =>
        string.Concat(Enumerable.Range(1, count).Select(i => line(i) + "\n"));

    [Fact]
    public void MatchPassesAndRemovesStaleReceivedFile()
    {
        SnapshotFile file = File();
        System.IO.File.WriteAllText(file.VerifiedPath, "a\nb\n");
        System.IO.File.WriteAllText(file.ReceivedPath, "left over from an earlier failure");

        SnapshotComparer.Check(file, "a\nb\n", SnapshotMode.Compare);

        Assert.False(System.IO.File.Exists(file.ReceivedPath));
        Assert.Equal("a\nb\n", System.IO.File.ReadAllText(file.VerifiedPath));
    }

    [Fact]
    public void LineEndingsDoNotMatter()
    {
        SnapshotFile file = File();
        System.IO.File.WriteAllText(file.VerifiedPath, "a\r\nb\r\n");

        SnapshotComparer.Check(file, "a\nb\n", SnapshotMode.Compare);
        SnapshotComparer.Check(file, "a\rb\r", SnapshotMode.Compare);
    }

    [Fact]
    public void MismatchWritesReceivedFileAndFailsWithNumberedDiff()
    {
        SnapshotFile file = File();
        string verified = Lines(30, i => "line " + i);
        string received = verified.Replace("line 5\n", "line five\n").Replace("line 25\n", "line 25\nline 25b\n");
        System.IO.File.WriteAllText(file.VerifiedPath, verified);

        var failure = Assert.Throws<SnapshotMismatchException>(() => SnapshotComparer.Check(file, received, SnapshotMode.Compare));

        Assert.Equal(received, System.IO.File.ReadAllText(file.ReceivedPath));
        Assert.Equal(verified, System.IO.File.ReadAllText(file.VerifiedPath));
        string message = failure.Message.Replace("\r\n", "\n");
        Assert.Contains(file.ReceivedPath, message);
        Assert.Contains(SnapshotMode.AcceptVariable, message);
        Assert.Contains("--- verified\n+++ received\n", message);
        // Two hunks, each a change with 3 lines of context; old and new line numbers on every line.
        Assert.Contains("@@ -2,7 +2,7 @@\n", message);
        Assert.Contains("-    5       | line 5\n", message);
        Assert.Contains("+          5 | line five\n", message);
        Assert.Contains("     4     4 | line 4\n", message);
        Assert.Contains("@@ -23,6 +23,7 @@\n", message);
        Assert.Contains("+         26 | line 25b\n", message);
        Assert.Contains("    26    27 | line 26\n", message);
        // Lines far from any change are left out.
        Assert.DoesNotContain("| line 15\n", message);
        Assert.DoesNotContain("| line 1\n", message);
    }

    [Fact]
    public void MissingVerifiedFileFailsAndWritesReceivedFile()
    {
        SnapshotFile file = File();

        var failure = Assert.Throws<SnapshotMismatchException>(() => SnapshotComparer.Check(file, "new\n", SnapshotMode.Compare));

        Assert.Contains("no verified file", failure.Message);
        Assert.Contains(file.ReceivedPath, failure.Message);
        Assert.Equal("new\n", System.IO.File.ReadAllText(file.ReceivedPath));
        Assert.False(System.IO.File.Exists(file.VerifiedPath));
    }

    [Fact]
    public void AcceptModeOverwritesVerifiedFile()
    {
        SnapshotFile file = File();
        System.IO.File.WriteAllText(file.VerifiedPath, "old\n");
        System.IO.File.WriteAllText(file.ReceivedPath, "old received\n");

        SnapshotComparer.Check(file, "new\r\n", SnapshotMode.AcceptAll);

        Assert.Equal("new\n", System.IO.File.ReadAllText(file.VerifiedPath));
        Assert.False(System.IO.File.Exists(file.ReceivedPath));
        Assert.Empty(_directory.GetFiles("*.tmp"));
    }

    [Theory]
    [InlineData(null, null, false)]
    [InlineData("1", null, true)]
    [InlineData("true", "false", true)]
    [InlineData("0", null, false)]
    [InlineData("1", "true", false)]
    [InlineData("1", "TRUE", false)]
    public void AcceptSwitchIsIgnoredOnCi(string? accept, string? ci, bool accepts)
    {
        var variables = new Dictionary<string, string?> { [SnapshotMode.AcceptVariable] = accept, ["CI"] = ci };

        SnapshotMode mode = SnapshotMode.FromEnvironment(name => variables.GetValueOrDefault(name));

        Assert.Equal(accepts, mode.Accept);
    }

    [Fact]
    public void RefusedAcceptOnCiIsExplainedInTheFailure()
    {
        SnapshotFile file = File();
        System.IO.File.WriteAllText(file.VerifiedPath, "old\n");
        SnapshotMode mode = SnapshotMode.FromEnvironment(name => name == "CI" ? "true" : "1");

        var failure = Assert.Throws<SnapshotMismatchException>(() => SnapshotComparer.Check(file, "new\n", mode));

        Assert.Contains("ignored because CI=true", failure.Message);
        Assert.Equal("old\n", System.IO.File.ReadAllText(file.VerifiedPath));
    }

    [Fact]
    public void FileIsNamedAfterTestClassMethodAndParameter()
    {
        string source = Path.Combine(_directory.FullName, "Some", "FooTests.cs");

        SnapshotFile file = SnapshotFile.For(source, "Bar", "Baz", "txt");

        Assert.Equal(Path.Combine(_directory.FullName, "Some", "FooTests.Bar.Baz.verified.txt"), file.VerifiedPath);
        Assert.Equal(Path.Combine(_directory.FullName, "Some", "FooTests.Bar.Baz.received.txt"), file.ReceivedPath);
        Assert.Equal(Path.Combine(_directory.FullName, "Some", "FooTests.Bar.verified.cs"), SnapshotFile.For(source, "Bar", null, "cs").VerifiedPath);
        Assert.Throws<ArgumentException>(() => SnapshotFile.For(source, "Bar", "a/b", "txt"));
        Assert.Throws<ArgumentException>(() => SnapshotFile.For("relative.cs", "Bar", null, "txt"));
    }

    [Fact]
    public async Task VerifyFindsTheCommittedFileNextToTheTest()
    {
        // The committed SnapshotTests.VerifyFindsTheCommittedFileNextToTheTest.verified.txt holds this text.
        await Snapshot.Verify("The snapshot helper found this file through [CallerFilePath].\n", extension: "txt");
    }
}
