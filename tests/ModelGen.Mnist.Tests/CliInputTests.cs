using System.Text.Json;

namespace ModelGen.Mnist.Tests;

/// <summary>
/// Whatever a person or a script types: every bad value is one line naming the option, the value and what is
/// accepted, exit code 1, never a stack trace, and checked before any training. Through MnistCli.RunAsync.
/// </summary>
public sealed class CliInputTests(SyntheticData data) : IClassFixture<SyntheticData>, IDisposable
{
    private readonly TestFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private string ValidModel()
    {
        string path = _folder.File("valid.safetensors");
        if (!File.Exists(path)) new ModelGen.Samples.Mnist.MnistMlp(3).Save(path);
        return path;
    }

    [Theory]
    [InlineData("--epochs", "abc", "is not a whole number from 1 to 100000.")]
    [InlineData("--epochs", "99999999999", "is not a whole number from 1 to 100000.")]
    [InlineData("-e", "1.0", "is not a whole number from 1 to 100000.")]
    [InlineData("--epochs", "1,000", "is not a whole number from 1 to 100000.")]
    [InlineData("--batch-size", "3.5", "is not a whole number from 1 to 2739137.")]
    [InlineData("--batch-size", "99999999", "is not a whole number from 1 to 2739137.")]
    [InlineData("--learning-rate", "abc", "is not a positive number (write it like 0.001 or 1e-3, with a point for decimals and no thousands separator).")]
    [InlineData("--lr", "1,5", "is not a positive number (write it like 0.001 or 1e-3, with a point for decimals and no thousands separator).")]
    [InlineData("--lr", "0,001", "is not a positive number (write it like 0.001 or 1e-3, with a point for decimals and no thousands separator).")]
    [InlineData("--lr", "NaN", "is not a positive number (write it like 0.001 or 1e-3, with a point for decimals and no thousands separator).")]
    [InlineData("--lr", "1e39", "is not a positive number (write it like 0.001 or 1e-3, with a point for decimals and no thousands separator).")]
    [InlineData("--seed", "-1", "is not a whole number from 0 to 18446744073709551615.")]
    [InlineData("--seed", "18446744073709551616", "is not a whole number from 0 to 18446744073709551615.")]
    [InlineData("--optimizer", "rmsprop", "is not accepted; give adam, sgd or adamw.")]
    [InlineData("--network", "rnn", "is not accepted; give mlp, cnn or resnet.")]
    public async Task A_train_value_that_does_not_parse_names_the_option_the_value_and_what_is_accepted(string option, string value, string accepted)
    {
        string output = _folder.File("out");

        var result = await CliRunner.RunAsync("train", option, value, "--data", data.Path, "--out", output);

        Assert.Equal($"{option}: '{value}' {accepted}", CliRunner.AssertOneLineError(result));
        Assert.Equal(1, result.ExitCode);
        Assert.DoesNotContain("Usage", result.Output + result.Error);
        Assert.False(Directory.Exists(output), "nothing may be written after a bad value");
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("-1")]
    [InlineData("2.5")]
    public async Task A_predict_index_that_does_not_parse_is_one_line(string value)
    {
        var result = await CliRunner.RunAsync("predict", "--model", ValidModel(), "--index", value);

        Assert.Equal($"--index: '{value}' is not a whole number from 0 to 2147483647.", CliRunner.AssertOneLineError(result));
        Assert.Equal(1, result.ExitCode);
    }

    [Theory]
    [InlineData("train", "--epochs")]
    [InlineData("train", "--learning-rate")]
    [InlineData("train", "--network")]
    [InlineData("train", "--out")]
    [InlineData("predict", "--index")]
    public async Task An_option_without_its_value_is_one_line(string command, string option)
    {
        string[] before = command == "predict" ? ["--model", ValidModel()] : ["--data", data.Path];

        var result = await CliRunner.RunAsync([command, .. before, option]);

        Assert.Contains($"'{option}'", CliRunner.AssertOneLineError(result));
        Assert.Equal(1, result.ExitCode);
    }

    [Fact]
    public async Task A_group_separator_is_refused_and_the_previous_outputs_stay()
    {
        string output = _folder.File("out");
        var first = await CliRunner.RunAsync("train", "--data", data.Path, "--out", output, "--epochs", "1");
        Assert.True(first.ExitCode == 0, first.ToString());
        var before = OutputSet.Read(output);

        var result = await CliRunner.RunAsync("train", "--data", data.Path, "--out", output, "--epochs", "1", "--lr", "1,5");

        Assert.Equal(1, result.ExitCode);
        Assert.StartsWith("--lr: '1,5' is not a positive number", CliRunner.AssertOneLineError(result));
        OutputSet.AssertSame(before, output);
    }

    [Fact]
    public async Task No_command_is_one_line_saying_what_to_type_not_the_help()
    {
        var result = await CliRunner.RunAsync();

        Assert.Equal("error: name a command: train, evaluate or predict (mnist --help describes them).", CliRunner.AssertOneLineError(result));
        Assert.Equal(1, result.ExitCode);
        Assert.Equal("", result.Output);
    }

    [Fact]
    public async Task An_out_that_is_a_file_says_to_name_a_folder()
    {
        string file = _folder.File("results.txt");
        File.WriteAllText(file, "mine");

        var result = await CliRunner.RunAsync("train", "--data", data.Path, "--out", file);

        Assert.Equal($"error: --out: '{file}' is a file; name a folder for the outputs (it is created if missing).", CliRunner.AssertOneLineError(result));
        Assert.Equal("mine", File.ReadAllText(file));
    }

    [Fact]
    public async Task An_out_inside_a_file_is_refused_before_the_data_is_read()
    {
        string file = _folder.File("results.txt");
        File.WriteAllText(file, "mine");
        string output = Path.Combine(file, "out");

        // --data is missing too: the --out error comes first, so nothing else was tried.
        var result = await CliRunner.RunAsync("train", "--data", _folder.File("no-data"), "--out", output);

        Assert.Equal($"error: --out: '{file}' is a file, so '{output}' cannot be a folder inside it; name another folder.", CliRunner.AssertOneLineError(result));
    }

    [Fact]
    public async Task An_out_where_no_file_can_be_written_is_refused_before_the_data_is_read()
    {
        // /proc refuses new files even to root, so this holds whoever runs the tests.
        string output = "/proc/modelgen-test-out-" + Guid.NewGuid().ToString("N");

        var result = await CliRunner.RunAsync("train", "--data", _folder.File("no-data"), "--out", output);

        Assert.StartsWith("error: --out: cannot write in '/proc' (", CliRunner.AssertOneLineError(result));
        Assert.EndsWith("); name a folder you can write to.", result.ErrorLines[0]);
    }

    [Fact]
    public async Task An_out_holding_other_files_is_refused_and_they_are_kept()
    {
        string output = _folder.File("out");
        Directory.CreateDirectory(output);
        File.WriteAllText(Path.Combine(output, "notes.txt"), "mine");

        var result = await CliRunner.RunAsync("train", "--data", data.Path, "--out", output, "--epochs", "1");

        Assert.StartsWith($"error: --out: '{output}' holds 'notes.txt', which train did not write;", CliRunner.AssertOneLineError(result));
        Assert.Equal(["notes.txt"], Directory.GetFileSystemEntries(output).Select(Path.GetFileName));
        Assert.Equal("mine", File.ReadAllText(Path.Combine(output, "notes.txt")));
        Assert.DoesNotContain("Epoch", result.Output);
    }

    [Fact]
    public async Task A_model_that_is_a_folder_says_to_name_the_file()
    {
        var result = await CliRunner.RunAsync("evaluate", "--model", _folder.Path, "--data", data.Path);

        Assert.Equal($"error: --model: '{_folder.Path}' is a folder; name the model file in it, such as {_folder.File("model.safetensors")}.", CliRunner.AssertOneLineError(result));
    }

    [Fact]
    public async Task A_data_option_that_is_a_file_says_to_name_the_folder()
    {
        string file = _folder.File("train-images-idx3-ubyte");
        File.WriteAllText(file, "x");

        var result = await CliRunner.RunAsync("train", "--data", file, "--out", _folder.File("out"));

        Assert.Equal($"error: --data: '{file}' is a file; name the folder that holds the four IDX files.", CliRunner.AssertOneLineError(result));
        Assert.False(Directory.Exists(_folder.File("out")), "a failed run leaves no --out behind");
    }

    [Fact]
    public async Task A_batch_larger_than_the_training_set_is_reported_and_recorded_as_used()
    {
        string output = _folder.File("out");

        var result = await CliRunner.RunAsync("train", "--data", data.Path, "--out", output, "--epochs", "1", "--batch-size", "100000");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("batch 1000, 1 epoch(s)", result.Output);
        Assert.Contains("--batch-size 100000 is more than the 1,000 training images: each step takes all 1000 of them.", result.Output);
        using JsonDocument metrics = OutputFiles.ReadMetrics(Path.Combine(output, "metrics.json"));
        Assert.Equal(1000, metrics.RootElement.GetProperty("hyperparameters").GetProperty("batchSize").GetInt32());
    }

    [Fact]
    public async Task Predict_gives_each_image_its_own_row_or_error_line_and_exit_code_2_when_some_failed()
    {
        string good = _folder.File("seven.png");
        File.WriteAllBytes(good, DrawnDigits.Png(100, 100, DrawnDigits.Seven, 20, 10, 60, 9));
        string missing = _folder.File("missing.png");
        string truncated = _folder.File("truncated.png");
        byte[] whole = DrawnDigits.Png(100, 100, DrawnDigits.Seven, 20, 10, 60, 9);
        File.WriteAllBytes(truncated, whole[..(whole.Length / 2)]);
        string huge = _folder.File("huge.png");
        File.WriteAllBytes(huge, TestPngs.Declaring(23000, 23000));
        string text = _folder.File("text.png");
        File.WriteAllText(text, "not an image");

        var result = await CliRunner.RunAsync("predict", "--model", ValidModel(), missing, truncated, good, huge, text);

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Single(result.Output.Split('\n'), line => line.Contains("seven.png", StringComparison.Ordinal));
        string[] errors = result.ErrorLines;
        Assert.Equal(4, errors.Length);
        Assert.Equal($"error: {missing}: the file does not exist.", errors[0]);
        Assert.StartsWith($"error: {truncated}: not a PNG or JPEG image that can be read (", errors[1]);
        Assert.EndsWith("is the file truncated or damaged?).", errors[1]);
        Assert.Equal($"error: {huge}: the image declares 23000×23000 pixels; at most 4096×4096 are accepted (scale it down first).", errors[2]);
        Assert.StartsWith($"error: {text}: not a PNG or JPEG image that can be read (", errors[3]);
        Assert.DoesNotContain(result.Error, c => char.IsControl(c) && c != '\n');
        Assert.DoesNotContain("Exception", result.Error);
    }

    [Fact]
    public async Task Predict_exits_1_when_no_image_could_be_classified()
    {
        string huge = _folder.File("huge.png");
        File.WriteAllBytes(huge, TestPngs.Declaring(4097, 10));

        var result = await CliRunner.RunAsync("predict", "--model", ValidModel(), huge, "--index", "300", "--data", data.Path);

        Assert.Equal(1, result.ExitCode);
        Assert.Equal(
            [$"error: {huge}: the image declares 4097×10 pixels; at most 4096×4096 are accepted (scale it down first).",
             "error: --index 300: the test set has 300 images (0 to 299)."],
            result.ErrorLines);
        Assert.DoesNotContain("Probabilities", result.Output);
    }

    [Fact]
    public async Task An_image_file_over_the_size_limit_is_refused_unread()
    {
        string big = _folder.File("big.png");
        using (var stream = File.Create(big)) stream.SetLength((32L << 20) + 1);

        var result = await CliRunner.RunAsync("predict", "--model", ValidModel(), big);

        Assert.Equal($"error: {big}: the file is 33,554,433 bytes; images of at most 32 MiB (33,554,432 bytes) are accepted.", CliRunner.AssertOneLineError(result));
    }
}

/// <summary>The output set is replaced as a whole, and what a dead run left beside --out is cleaned up or put back.</summary>
public sealed class OutputSetTests(SyntheticData data) : IClassFixture<SyntheticData>, IDisposable
{
    private readonly TestFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private string Out => _folder.File("out");

    [Fact]
    public async Task A_second_run_replaces_the_whole_set_and_leaves_nothing_temporary()
    {
        var first = await CliRunner.RunAsync("train", "--data", data.Path, "--out", Out, "--epochs", "1", "--seed", "1");
        Assert.True(first.ExitCode == 0, first.ToString());
        var before = OutputSet.Read(Out);

        var second = await CliRunner.RunAsync("train", "--data", data.Path, "--out", Out, "--epochs", "1", "--seed", "2");

        Assert.True(second.ExitCode == 0, second.ToString());
        OutputSet.AssertComplete(Out);
        OutputSet.AssertNoLeftovers(Out);
        var after = OutputSet.Read(Out);
        Assert.False(before["model.safetensors"].AsSpan().SequenceEqual(after["model.safetensors"]), "the model was not replaced");
        // Only the folder and its lock file beside it.
        Assert.Equal([".out.lock", "out"], Directory.GetFileSystemEntries(_folder.Path).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_dead_runs_staging_folder_is_deleted_and_a_set_moved_aside_is_put_back()
    {
        // As a run killed between the two renames of the portable swap leaves it: no --out, the old set aside.
        string aside = _folder.File(".out.old-0123");
        Directory.CreateDirectory(aside);
        File.WriteAllText(Path.Combine(aside, "metrics.json"), "{}");
        string staging = _folder.File(".out.staging-4567");
        Directory.CreateDirectory(staging);
        File.WriteAllText(Path.Combine(staging, ".model.safetensors.123.tmp"), "partial");

        // This run fails on its data, after taking the folder over.
        var result = await CliRunner.RunAsync("train", "--data", _folder.File("no-data"), "--out", Out);

        Assert.Equal($"error: --data: folder '{_folder.File("no-data")}' does not exist.", CliRunner.AssertOneLineError(result));
        Assert.Equal("{}", File.ReadAllText(Path.Combine(Out, "metrics.json")));
        OutputSet.AssertNoLeftovers(Out);
    }
}
