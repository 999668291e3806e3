using System.Text.Json.Nodes;

namespace ModelGen.Mnist.Tests;

/// <summary>
/// <c>train --validation-split --early-stopping</c> with <c>--checkpoint-every</c> and <c>--resume</c>, in real child processes
/// killed by SIGKILL: the checkpoint holds early stopping's state (best weights included), so the resumed run stops after
/// the same epoch and writes the same model file, byte for byte, as the run never interrupted; and resuming a run that early
/// stopping had ended trains no further.
/// </summary>
[Collection(ProcessTimingGroup.Name)]
public sealed class EarlyStoppingResumeCliTests(SyntheticData data) : IClassFixture<SyntheticData>, IDisposable
{
    private readonly TestFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private string[] Train(string output, params string[] more) =>
    [
        "train", "--data", data.Path, "--out", _folder.File(output), "--epochs", "5", "--batch-size", "100", "--seed", "6",
        // 800 images train (8 steps an epoch), 200 validate; no change can improve by 1000: epoch 1 stays the best, and the run stops after epoch 2.
        "--validation-split", "0.2", "--early-stopping", "1", "--min-delta", "1000", .. more,
    ];

    private static async Task KillWhenAsync(CliProcess run, string line)
    {
        await run.WaitForOutputAsync(line);
        run.Signal("KILL");
        var result = await run.WaitForExitAsync();
        Assert.True(result.ExitCode == 137, result.ToString());
    }

    private static string WithoutTimes(string metricsPath)
    {
        JsonNode node = JsonNode.Parse(File.ReadAllText(metricsPath))!;
        node.AsObject().Remove("totalSeconds");
        foreach (JsonNode? epoch in node["history"]!.AsArray())
            foreach (string key in new[] { "seconds", "evaluationSeconds", "validationSeconds" }) epoch!.AsObject().Remove(key);
        return node.ToJsonString();
    }

    [Fact]
    public async Task Killed_mid_run_and_while_saving_and_resumed_it_stops_and_keeps_the_weights_of_the_run_never_interrupted()
    {
        var straight = await CliRunner.RunAsync(Train("straight"));
        Assert.True(straight.ExitCode == 0, straight.ToString());
        Assert.Contains("(the weights of epoch 1)", straight.Output);

        // 1. Checkpoints after steps 6 and 8 (epoch 1's end, with early stopping's first best), then 12: that third write is cut half-way.
        var pause = new Dictionary<string, string> { ["MODELGEN_TEST_CHECKPOINT_DELAY_MS"] = "60000", ["MODELGEN_TEST_CHECKPOINT_DELAY_AT"] = "3" };
        using (CliProcess run = CliProcess.Start(pause, Train("resumed", "--checkpoint-every", "6")))
            await KillWhenAsync(run, "test hook: checkpoint half written");

        // 2. Resumed from step 8: epoch 2 does not improve, the run stops; killed while it writes its outputs.
        using (CliProcess run = CliProcess.Start(new Dictionary<string, string> { ["MODELGEN_TEST_SAVE_DELAY_MS"] = "60000" },
            Train("resumed", "--checkpoint-every", "6", "--resume")))
        {
            await run.WaitForOutputAsync("Early stopping: val_loss did not improve");
            await KillWhenAsync(run, "Writing the outputs to");
        }

        // 3. Resumed from epoch 2's checkpoint, which early stopping ended: no more training, the outputs again.
        var last = await CliRunner.RunAsync(Train("resumed", "--checkpoint-every", "6", "--resume"));
        Assert.True(last.ExitCode == 0, last.ToString());
        Assert.Contains("The checkpoint's run is complete", last.Output);
        Assert.DoesNotContain("Epoch 3/5", last.Output);
        Assert.Contains("Restored the weights of epoch 1", last.Output);

        string expected = _folder.File("straight"), actual = _folder.File("resumed");
        Assert.Equal(File.ReadAllBytes(Path.Combine(expected, "model.safetensors")), File.ReadAllBytes(Path.Combine(actual, "model.safetensors")));
        Assert.Equal(WithoutTimes(Path.Combine(expected, "metrics.json")), WithoutTimes(Path.Combine(actual, "metrics.json")));
    }

    [Fact]
    public async Task Resume_with_other_early_stopping_settings_is_refused_with_one_line()
    {
        var first = await CliRunner.RunAsync(Train("run", "--checkpoint-every", "100"));
        Assert.True(first.ExitCode == 0, first.ToString());

        var result = await CliRunner.RunAsync([.. Train("run", "--resume").Select(a => a == "1000" ? "0.5" : a)]);

        Assert.Contains("was written by a run with --min-delta 1000; this one has --min-delta 0.5", CliRunner.AssertOneLineError(result));
    }
}
