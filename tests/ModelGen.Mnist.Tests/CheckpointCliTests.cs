using System.Text.Json.Nodes;

namespace ModelGen.Mnist.Tests;

/// <summary>
/// <c>train --checkpoint-every</c> and <c>--resume</c> with real child processes killed by SIGKILL: in the middle of a
/// checkpoint's write (mid-epoch, and just after an epoch's end), at whatever step the run had reached, and while the
/// outputs are written; each time resumed. The run ends with the same model.safetensors, byte for byte, and the same
/// metrics (times aside) as the same run never interrupted and without checkpoints.
/// </summary>
[Collection(ProcessTimingGroup.Name)]
public sealed class CheckpointCliTests(SyntheticData data) : IClassFixture<SyntheticData>, IDisposable
{
    private const string CheckpointFile = "checkpoint.safetensors";

    private readonly TestFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private string[] Train(string output, string[] recipe, params string[] more) => ["train", "--data", data.Path, "--out", _folder.File(output), .. recipe, .. more];

    // The hook that stops the `at`-th checkpoint write of a process half-way, for a minute.
    private static Dictionary<string, string> PauseAtWrite(int at) => new()
    {
        ["MODELGEN_TEST_CHECKPOINT_DELAY_MS"] = "60000",
        ["MODELGEN_TEST_CHECKPOINT_DELAY_AT"] = at.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    private static async Task KillWhenAsync(CliProcess run, string line)
    {
        await run.WaitForOutputAsync(line);
        run.Signal("KILL");
        var result = await run.WaitForExitAsync();
        Assert.True(result.ExitCode == 137, result.ToString());
    }

    // The checkpoint's position, from its metadata: "steps/in-progress".
    private string Position(string output)
    {
        var metadata = ModelGen.Serialization.SafeTensors.ReadMetadata(Path.Combine(_folder.File(output), CheckpointFile));
        return metadata["trainer.steps"] + (metadata["trainer.epoch_in_progress"] == "true" ? " mid-epoch" : " at an epoch's end");
    }

    private static JsonNode WithoutTimes(string metricsPath)
    {
        JsonNode node = JsonNode.Parse(File.ReadAllText(metricsPath))!;
        void Strip(JsonNode? n)
        {
            if (n is JsonObject o)
            {
                foreach (string key in o.Select(p => p.Key).Where(k => k.EndsWith("seconds", StringComparison.OrdinalIgnoreCase)).ToList()) o.Remove(key);
                foreach (var (_, child) in o) Strip(child);
            }
            else if (n is JsonArray a)
            {
                foreach (JsonNode? child in a) Strip(child);
            }
        }
        Strip(node);
        return node;
    }

    private void AssertSameRun(string expected, string actual)
    {
        string e = _folder.File(expected), a = _folder.File(actual);
        foreach (string name in new[] { "model.safetensors", "confusion_matrix.png", "samples.png" })
            Assert.True(File.ReadAllBytes(Path.Combine(e, name)).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(a, name))), $"{name} differs");
        Assert.Equal(WithoutTimes(Path.Combine(e, "metrics.json")).ToJsonString(), WithoutTimes(Path.Combine(a, "metrics.json")).ToJsonString());
    }

    [Fact]
    public async Task A_convnet_killed_four_times_and_resumed_ends_with_the_bytes_of_a_run_never_interrupted()
    {
        // 1000 images in batches of 50: 20 steps an epoch, 60 in all; checkpoints after steps 7, 14, 20 (the first epoch's end), 21, ...
        string[] recipe = ["--network", "cnn", "--epochs", "3", "--batch-size", "50", "--seed", "3"];
        var straight = await CliRunner.RunAsync(Train("straight", recipe));
        Assert.True(straight.ExitCode == 0, straight.ToString());

        // 1. The second write (step 14) is cut half-way: the checkpoint of step 7, mid-epoch, stays, beside the partial file.
        using (CliProcess run = CliProcess.Start(PauseAtWrite(2), Train("resumed", recipe, "--checkpoint-every", "7")))
            await KillWhenAsync(run, "test hook: checkpoint half written");
        Assert.Equal("7 mid-epoch", Position("resumed"));
        Assert.Single(Directory.GetFiles(_folder.File("resumed"), ".checkpoint.safetensors.*.tmp"));

        // 2. Resumed; its second write (step 20, the epoch's end) is cut: step 14's checkpoint stays.
        using (CliProcess run = CliProcess.Start(PauseAtWrite(2), Train("resumed", recipe, "--checkpoint-every", "7", "--resume")))
        {
            await run.WaitForOutputAsync("Resuming from");
            await KillWhenAsync(run, "test hook: checkpoint half written");
        }
        Assert.Equal("14 mid-epoch", Position("resumed"));

        // 3. Resumed, and killed wherever it is once the second epoch has been tested.
        using (CliProcess run = CliProcess.Start(Train("resumed", recipe, "--checkpoint-every", "7", "--resume")))
            await KillWhenAsync(run, "Epoch 2/3 │");

        // 4. Resumed, and killed while it writes its outputs: the last epoch's checkpoint is in place.
        using (CliProcess run = CliProcess.Start(new Dictionary<string, string> { ["MODELGEN_TEST_SAVE_DELAY_MS"] = "60000" },
            Train("resumed", recipe, "--checkpoint-every", "7", "--resume")))
            await KillWhenAsync(run, "Writing the outputs to");
        Assert.Equal("60 at an epoch's end", Position("resumed"));

        // 5. Resumed once more: the run is complete; its outputs are written again.
        var last = await CliRunner.RunAsync(Train("resumed", recipe, "--checkpoint-every", "7", "--resume"));
        Assert.True(last.ExitCode == 0, last.ToString());
        Assert.Contains("The checkpoint's run is complete", last.Output);

        AssertSameRun("straight", "resumed");
        Assert.Equal([.. OutputSet.Names.Append(CheckpointFile).Order(StringComparer.Ordinal)], OutputSet.Read(_folder.File("resumed")).Keys);
        OutputSet.AssertNoLeftovers(_folder.File("resumed"));
    }

    [Fact]
    public async Task A_ResNet_with_augmentation_and_one_cycle_killed_mid_epoch_resumes_to_the_same_bytes()
    {
        // BatchNormalization's running statistics and counts, Nesterov SGD on one cycle, augmentation: 10 steps an epoch.
        string[] recipe = ["--network", "resnet", "--epochs", "2", "--batch-size", "100", "--crop-padding", "2", "--erase", "0.5", "--seed", "5"];
        var straight = await CliRunner.RunAsync(Train("straight", recipe));
        Assert.True(straight.ExitCode == 0, straight.ToString());

        using (CliProcess run = CliProcess.Start(PauseAtWrite(3), Train("resumed", recipe, "--checkpoint-every", "4")))
            await KillWhenAsync(run, "test hook: checkpoint half written");
        Assert.Equal("8 mid-epoch", Position("resumed"));

        var resumed = await CliRunner.RunAsync(Train("resumed", recipe, "--checkpoint-every", "4", "--resume"));
        Assert.True(resumed.ExitCode == 0, resumed.ToString());
        Assert.Contains("Resuming from", resumed.Output);
        AssertSameRun("straight", "resumed");
    }

    [Fact]
    public async Task Resume_without_a_checkpoint_starts_the_run_and_says_so()
    {
        string[] recipe = ["--network", "mlp", "--epochs", "1", "--seed", "4"];
        var result = await CliRunner.RunAsync(Train("fresh", recipe, "--resume"));

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("No checkpoint in", result.Output);
        Assert.Contains(CheckpointFile, OutputSet.Read(_folder.File("fresh")).Keys);
    }

    [Theory]
    [InlineData("--epochs", "2", "was written by a run with --epochs 1; this one has --epochs 2")]
    [InlineData("--learning-rate", "0.01", "--learning-rate 0.001; this one has --learning-rate 0.01")]
    [InlineData("--network", "cnn", "is a checkpoint of the mlp network; this run trains cnn")]
    public async Task Resume_with_other_options_is_refused_with_one_line(string option, string value, string expected)
    {
        string[] recipe = ["--network", "mlp", "--epochs", "1", "--seed", "4"];
        var first = await CliRunner.RunAsync(Train("run", recipe, "--checkpoint-every", "10"));
        Assert.True(first.ExitCode == 0, first.ToString());
        byte[] model = File.ReadAllBytes(Path.Combine(_folder.File("run"), "model.safetensors"));

        var other = new List<string>(recipe);
        int at = other.IndexOf(option);
        if (at >= 0) other[at + 1] = value;
        else other.AddRange([option, value]);
        var result = await CliRunner.RunAsync(Train("run", [.. other], "--resume"));

        Assert.Contains(expected, CliRunner.AssertOneLineError(result));
        Assert.Equal(model, File.ReadAllBytes(Path.Combine(_folder.File("run"), "model.safetensors")));
    }

    [Fact]
    public async Task Resume_from_a_damaged_checkpoint_is_refused_with_one_line()
    {
        string[] recipe = ["--network", "mlp", "--epochs", "1", "--seed", "4"];
        var first = await CliRunner.RunAsync(Train("run", recipe, "--checkpoint-every", "10"));
        Assert.True(first.ExitCode == 0, first.ToString());
        string path = Path.Combine(_folder.File("run"), CheckpointFile);
        byte[] bytes = File.ReadAllBytes(path);
        bytes[^10] ^= 1;
        File.WriteAllBytes(path, bytes);

        var result = await CliRunner.RunAsync(Train("run", recipe, "--resume"));

        Assert.Contains("the file is damaged", CliRunner.AssertOneLineError(result));
    }
}
