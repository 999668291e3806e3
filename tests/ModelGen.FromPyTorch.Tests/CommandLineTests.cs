using System.Globalization;
using System.Text.RegularExpressions;
using ModelGen.Samples.FromPyTorch;
using ModelGen.Samples.FromPyTorch.Cli;
using ModelGen.Training;
using Spectre.Console;

namespace ModelGen.FromPyTorch.Tests;

/// <summary>
/// The program's entry point, called as Program.cs calls it: a run on the real MNIST (fine-tuning on a few
/// training images, to stay quick) prints PyTorch's figures and each compiled model's and saves what it reports;
/// --model picks the models; mistakes get one line and exit code 1, and a bad --out is refused before any work.
/// </summary>
public sealed partial class CommandLineTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("fromPyTorch-cli-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task A_run_prints_both_models_accuracies_and_saves_the_fine_tuned_models_it_reports()
    {
        string output = Path.Combine(_folder, "out");

        Run run = await RunAsync("--data", MnistSource.Folder, "--out", output, "--train-images", "1280");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal("", run.Error);
        Assert.Matches(@"PyTorch \S+ \(models/digits\.json\) +98\.58 %  9,858 correct of 10,000", run.Output);
        Assert.Contains("first 100 predictions: 100 the same as PyTorch's, 0 different", run.Output);
        Assert.Contains("Fine-tuning: 1 epoch on 1,280 training images, Adam lr 0.0001, batch 128, seed 1\n", run.Output.ReplaceLineEndings("\n"));
        Assert.Matches(@"PyTorch \S+ \(models/resnet\.json\) +98\.85 %  9,885 correct of 10,000", run.Output);
        Assert.Matches(@"compiled model \(ModelGen\) +98\.85 %  9,885 correct of 10,000", run.Output);
        Assert.Contains("all 10,000 predictions: 10,000 the same as PyTorch's, 0 different", run.Output);
        Assert.Contains("Fine-tuning: 1 epoch on 1,280 training images, Adam lr 0.0001, batch 128, seed 1, BatchNorm in training mode", run.Output);
        Assert.Matches(@"running statistics: 672 of 672 moved", run.Output);

        // Each file holds the model whose accuracy was printed: Digits' first, the ResNet's second.
        int[] printed = FineTunedCount().Matches(run.Output)
            .Select(m => int.Parse(m.Groups[1].Value, NumberStyles.AllowThousands, CultureInfo.InvariantCulture)).ToArray();
        Assert.Equal(2, printed.Length);
        var digits = new Digits();
        digits.Load(Path.Combine(output, SampleRun.OutputFileName));
        Assert.Equal(printed[0], digits.Evaluate(MnistSource.Test).Correct);
        var resNet = new DigitsResNet(seed: 3);
        resNet.Load(Path.Combine(output, SampleRun.ResNetOutputFileName));
        Assert.Equal(printed[1], resNet.Evaluate(MnistSource.Test, batchSize: 100).Correct);
        Assert.Equal([SampleRun.OutputFileName, SampleRun.ResNetOutputFileName], Directory.GetFiles(output).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Epochs_0_evaluates_and_writes_nothing()
    {
        string output = Path.Combine(_folder, "none");

        // --model digits: the ResNet, which the run above covers, is left out to stay quick.
        Run run = await RunAsync("--data", MnistSource.Folder, "--out", output, "--epochs", "0", "--model", "digits");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("Digits: models/digits.onnx", run.Output);
        Assert.DoesNotContain("DigitsResNet", run.Output);
        Assert.DoesNotContain("Fine-tuning", run.Output);
        Assert.False(Directory.Exists(output));
    }

    [Theory]
    [InlineData("--epochs x", "--epochs: 'x' is not a whole number from 0 to 100.")]
    [InlineData("--epochs 101", "--epochs: '101' is not a whole number from 0 to 100.")]
    [InlineData("--learning-rate 1,5", "--learning-rate: '1,5' is not a number above 0 and at most 1")]
    [InlineData("--learning-rate 0", "--learning-rate: '0' is not a number above 0")]
    [InlineData("--seed -1", "--seed: '-1' is not a whole number from 0 to 18446744073709551615.")]
    [InlineData("--train-images 0", "--train-images: '0' is not a whole number from 1 to")]
    [InlineData("--lr 0.1", "unknown option '--lr'")]
    [InlineData("--model cnn", "--model: 'cnn' is not a model of this sample; write digits, resnet or all.")]
    [InlineData("--out", "--out: a value is missing.")]
    [InlineData("train", "unexpected argument 'train'")]
    public async Task A_bad_option_is_one_line_and_exit_code_1(string args, string message)
    {
        Run run = await RunAsync(args.Split(' '));

        Assert.Equal(1, run.ExitCode);
        Assert.Equal("", run.Output);
        string line = Assert.Single(run.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("error: " + message, line);
    }

    [Fact]
    public async Task Missing_MNIST_is_one_line_and_exit_code_1()
    {
        Directory.CreateDirectory(Path.Combine(_folder, "empty"));

        Run missing = await RunAsync("--data", Path.Combine(_folder, "nowhere"), "--out", Path.Combine(_folder, "out"));
        Run empty = await RunAsync("--data", Path.Combine(_folder, "empty"), "--out", Path.Combine(_folder, "out"));

        Assert.Equal(1, missing.ExitCode);
        Assert.Equal($"error: --data: folder '{Path.Combine(_folder, "nowhere")}' does not exist.", missing.Error.TrimEnd());
        Assert.Equal(1, empty.ExitCode);
        Assert.StartsWith("error: ", Assert.Single(empty.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries)));
        Assert.Contains("train-images-idx3-ubyte", empty.Error);
    }

    [Fact]
    public async Task An_out_that_is_a_file_is_refused_before_MNIST_is_read()
    {
        string file = Path.Combine(_folder, "a-file");
        await File.WriteAllTextAsync(file, "not a folder");

        // --data names no folder: had the run got as far as MNIST, the message would be about that.
        Run run = await RunAsync("--data", Path.Combine(_folder, "nowhere"), "--out", file);

        Assert.Equal(1, run.ExitCode);
        Assert.Equal($"error: --out: '{file}' is a file; name a folder.", run.Error.TrimEnd());
        Assert.Equal("not a folder", await File.ReadAllTextAsync(file));
    }

    [Fact]
    public async Task Help_prints_the_options_and_exits_0()
    {
        Run run = await RunAsync("--help");

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("--learning-rate X", run.Output);
        Assert.Contains("--model NAME", run.Output);
        Assert.Equal("", run.Error);
    }

    private static async Task<Run> RunAsync(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        IAnsiConsole console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
            Out = new AnsiConsoleOutput(output),
        });
        int exitCode = await SampleRun.RunAsync(args, console, output, error);
        return new Run(exitCode, output.ToString(), error.ToString());
    }

    private sealed record Run(int ExitCode, string Output, string Error)
    {
        public override string ToString() => $"exit code {ExitCode}\n{Output}\n{Error}";
    }

    [GeneratedRegex(@"fine-tuned model +\d+\.\d\d %  ([\d,]+) correct")]
    private static partial Regex FineTunedCount();
}
