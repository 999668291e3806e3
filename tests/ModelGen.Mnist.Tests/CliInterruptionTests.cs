namespace ModelGen.Mnist.Tests;

/// <summary>
/// The real command line as a child process: Ctrl+C (SIGINT) while training and while saving, a kill, and
/// two runs into one --out at once. After any of them, --out holds the complete previous set or the
/// complete new one, and nothing temporary is left.
/// </summary>
[Collection(ProcessTimingGroup.Name)]
public sealed class CliInterruptionTests(SyntheticData data) : IClassFixture<SyntheticData>, IDisposable
{
    // The test hook that makes train wait before writing each output file, so a test can interrupt the save.
    private static readonly Dictionary<string, string> s_slowSave = new() { ["MODELGEN_TEST_SAVE_DELAY_MS"] = "600000" };

    private readonly TestFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private string Out => _folder.File("out");

    private string[] Train(params string[] more) => ["train", "--data", data.Path, "--out", Out, .. more];

    // A complete set from an earlier run, to check that an interrupted run leaves it as it was.
    private async Task<SortedDictionary<string, byte[]>> PreviousSetAsync()
    {
        var first = await CliRunner.RunAsync(Train("--epochs", "1", "--seed", "1"));
        Assert.True(first.ExitCode == 0, first.ToString());
        OutputSet.AssertComplete(Out);
        return OutputSet.Read(Out);
    }

    private void AssertCancelled(CliRunner.Result result, SortedDictionary<string, byte[]> previous)
    {
        Assert.True(result.ExitCode == 130, result.ToString());
        Assert.Equal("cancelled", Assert.Single(result.ErrorLines));
        OutputSet.AssertSame(previous, Out);
        OutputSet.AssertNoLeftovers(Out);
    }

    [Fact]
    public async Task Ctrl_C_while_training_says_cancelled_exits_130_and_keeps_the_previous_set()
    {
        var previous = await PreviousSetAsync();
        using CliProcess run = CliProcess.Start(Train("--epochs", "100000", "--seed", "2"));
        await run.WaitForOutputAsync(" 1/100000 │");

        run.Signal("INT");

        AssertCancelled(await run.WaitForExitAsync(), previous);
    }

    [Fact]
    public async Task Ctrl_C_while_saving_says_cancelled_exits_130_and_keeps_the_previous_set()
    {
        var previous = await PreviousSetAsync();
        using CliProcess run = CliProcess.Start(s_slowSave, Train("--epochs", "1", "--seed", "2"));
        await run.WaitForOutputAsync("Writing the outputs to");

        run.Signal("INT");

        AssertCancelled(await run.WaitForExitAsync(), previous);
    }

    [Fact]
    public async Task Ctrl_C_before_there_was_any_output_leaves_no_out_folder()
    {
        using CliProcess run = CliProcess.Start(s_slowSave, Train("--epochs", "1"));
        await run.WaitForOutputAsync("Writing the outputs to");

        run.Signal("INT");

        var result = await run.WaitForExitAsync();
        Assert.True(result.ExitCode == 130, result.ToString());
        Assert.False(Directory.Exists(Out));
        OutputSet.AssertNoLeftovers(Out);
    }

    [Fact]
    public async Task A_second_run_into_the_same_out_is_refused_while_the_first_lives()
    {
        using CliProcess first = CliProcess.Start(s_slowSave, Train("--epochs", "1", "--seed", "1"));
        await first.WaitForOutputAsync("Training:");

        var second = await CliProcess.RunAsync(Train("--epochs", "1", "--seed", "2"));

        Assert.Equal(1, second.ExitCode);
        Assert.Equal($"error: --out: '{Out}' is in use by another train run (it holds {Path.Combine(_folder.Path, ".out.lock")}); wait for that run to end, or name another folder.",
            CliRunner.AssertOneLineError(second));
        Assert.DoesNotContain("Training:", second.Output);

        // Once the first has ended, the folder is free again.
        first.Signal("INT");
        Assert.Equal(130, (await first.WaitForExitAsync()).ExitCode);
        var third = await CliRunner.RunAsync(Train("--epochs", "1", "--seed", "3"));
        Assert.True(third.ExitCode == 0, third.ToString());
        OutputSet.AssertComplete(Out);
    }

    [Fact]
    public async Task A_killed_run_leaves_no_stuck_lock_and_the_next_run_cleans_its_staging_folder()
    {
        var previous = await PreviousSetAsync();
        using CliProcess run = CliProcess.Start(s_slowSave, Train("--epochs", "1", "--seed", "2"));
        await run.WaitForOutputAsync("Writing the outputs to");

        run.Signal("KILL");
        await run.WaitForExitAsync();

        // Killed without a chance to clean up: the previous set is intact, and its staging folder is left over.
        OutputSet.AssertSame(previous, Out);
        Assert.Single(Directory.GetDirectories(_folder.Path, ".out.staging-*"));
        var next = await CliRunner.RunAsync(Train("--epochs", "1", "--seed", "3"));
        Assert.True(next.ExitCode == 0, next.ToString());
        OutputSet.AssertComplete(Out);
        OutputSet.AssertNoLeftovers(Out);
    }

    [Fact]
    public async Task Output_to_a_pipe_keeps_each_message_on_one_line()
    {
        // A path far longer than any terminal is wide.
        string deep = Path.Combine(_folder.Path, string.Join('/', Enumerable.Repeat("a-rather-long-folder-name", 12)), "out");

        var result = await CliProcess.RunAsync("train", "--data", data.Path, "--out", deep, "--epochs", "1");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Single(result.Output.Split('\n'), line => line.StartsWith("Wrote ", StringComparison.Ordinal) && line.EndsWith(" to " + deep, StringComparison.Ordinal));
        Assert.Single(result.Output.Split('\n'), line => line.StartsWith("Writing the outputs to " + deep, StringComparison.Ordinal));
    }
}
