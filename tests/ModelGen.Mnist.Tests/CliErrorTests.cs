using ModelGen.Samples.Mnist;

namespace ModelGen.Mnist.Tests;

/// <summary>Bad model files, images, data and options: one line on stderr, a non-zero exit code, no stack trace.</summary>
public sealed class CliErrorTests : IDisposable
{
    private readonly TestFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private string ValidModel()
    {
        string path = _folder.File("valid.safetensors");
        new MnistMlp(3).Save(path);
        return path;
    }

    private string Corrupt(string name)
    {
        string path = _folder.File(name);
        var bytes = new byte[300];
        new Random(9).NextBytes(bytes);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    [Fact]
    public async Task Evaluate_with_a_missing_model_file()
    {
        string missing = _folder.File("missing.safetensors");

        var result = await CliRunner.RunAsync("evaluate", "--model", missing);

        Assert.Equal($"error: {missing}: the file does not exist", CliRunner.AssertOneLineError(result));
        Assert.Equal(1, result.ExitCode);
    }

    [Fact]
    public async Task Evaluate_with_a_corrupt_model_file()
    {
        string corrupt = Corrupt("corrupt.safetensors");

        var result = await CliRunner.RunAsync("evaluate", "--model", corrupt);

        Assert.StartsWith($"error: {corrupt}: ", CliRunner.AssertOneLineError(result));
    }

    [Fact]
    public async Task Predict_with_a_corrupt_model_file()
    {
        string corrupt = Corrupt("corrupt.safetensors");
        string image = _folder.File("seven.png");
        File.WriteAllBytes(image, DrawnDigits.Png(100, 100, DrawnDigits.Seven, 20, 10, 60, 9));

        var result = await CliRunner.RunAsync("predict", "--model", corrupt, image);

        Assert.StartsWith($"error: {corrupt}: ", CliRunner.AssertOneLineError(result));
    }

    [Fact]
    public async Task Predict_with_a_model_of_another_network()
    {
        // A valid safetensors file whose tensors have other shapes: written here by hand, header and all.
        string other = _folder.File("other.safetensors");
        string header = """{"__metadata__":{"spec":"input=4;Out=dense(2,softmax)"},"Out.weight":{"dtype":"F32","shape":[4,2],"data_offsets":[0,32]},"Out.bias":{"dtype":"F32","shape":[2],"data_offsets":[32,40]}}""";
        using (var stream = File.Create(other))
        {
            stream.Write(BitConverter.GetBytes((ulong)header.Length));
            stream.Write(System.Text.Encoding.ASCII.GetBytes(header));
            stream.Write(new byte[40]);
        }

        var result = await CliRunner.RunAsync("predict", "--model", other, "--index", "0");

        Assert.StartsWith($"error: {other}: ", CliRunner.AssertOneLineError(result));
    }

    [Fact]
    public async Task Predict_with_a_file_that_is_not_an_image()
    {
        string text = _folder.File("digit.png");
        File.WriteAllText(text, "not an image");

        var result = await CliRunner.RunAsync("predict", "--model", ValidModel(), text);

        Assert.StartsWith($"error: {text}: not a PNG or JPEG image that can be read (", CliRunner.AssertOneLineError(result));
    }

    [Fact]
    public async Task Predict_with_a_missing_image()
    {
        string missing = _folder.File("nowhere.png");

        var result = await CliRunner.RunAsync("predict", "--model", ValidModel(), missing);

        Assert.Contains(missing, CliRunner.AssertOneLineError(result));
    }

    [Fact]
    public async Task Predict_with_nothing_to_classify()
    {
        var result = await CliRunner.RunAsync("predict", "--model", ValidModel());

        Assert.Equal("Name at least one IMAGE, or a test image with --index N.", CliRunner.AssertOneLineError(result));
    }

    [Fact]
    public async Task Predict_prints_the_digit_the_model_gives()
    {
        string modelPath = ValidModel();
        string image = _folder.File("seven.png");
        File.WriteAllBytes(image, DrawnDigits.Png(120, 160, DrawnDigits.Seven, 20, 30, 80, 10));

        var result = await CliRunner.RunAsync("predict", "--model", modelPath, image);

        Assert.True(result.ExitCode == 0, result.ToString());
        var model = new MnistMlp();
        model.Load(modelPath);
        int expected = model.PredictClass(ModelGen.Samples.Mnist.Imaging.DigitPreprocessor.Preprocess(
            ModelGen.Samples.Mnist.Imaging.ImageFileReader.Read(image), image));
        string row = Assert.Single(result.Output.Split('\n'), line => line.Contains("seven.png"));
        Assert.Equal(expected.ToString(System.Globalization.CultureInfo.InvariantCulture), row.Split('│', StringSplitOptions.TrimEntries)[2]);
    }

    [Theory]
    [InlineData("--epochs", "0", "--epochs: '0' is not a whole number from 1 to 100000.")]
    [InlineData("--batch-size", "0", "--batch-size: '0' is not a whole number from 1 to 2739137.")]
    [InlineData("--learning-rate", "-1", "--learning-rate: '-1' is not a positive number (write it like 0.001 or 1e-3, with a point for decimals and no thousands separator).")]
    [InlineData("--mirror", "not-a-url", "error: --mirror: 'not-a-url' is not an absolute http:// or https:// URL.")]
    public async Task Train_with_a_bad_option(string option, string value, string message)
    {
        var result = await CliRunner.RunAsync("train", option, value, "--out", _folder.Path);

        Assert.Equal(message, CliRunner.AssertOneLineError(result));
    }

    [Fact]
    public async Task Train_with_an_unknown_optimizer()
    {
        var result = await CliRunner.RunAsync("train", "--optimizer", "rmsprop", "--out", _folder.Path);

        Assert.Equal("--optimizer: 'rmsprop' is not accepted; give adam, sgd or adamw.", CliRunner.AssertOneLineError(result));
    }

    [Fact]
    public async Task Train_with_a_missing_data_folder()
    {
        string missing = _folder.File("no-data");

        var result = await CliRunner.RunAsync("train", "--data", missing, "--out", _folder.File("out"));

        Assert.Equal($"error: --data: folder '{missing}' does not exist.", CliRunner.AssertOneLineError(result));
    }

    [Fact]
    public async Task Train_with_malformed_data_names_the_bad_file()
    {
        using var data = new TestFolder();
        foreach (string name in new[] { "train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte" })
            File.WriteAllBytes(data.File(name), [0, 0, 8]);

        var result = await CliRunner.RunAsync("train", "--data", data.Path, "--out", _folder.File("out"));

        Assert.StartsWith($"error: {data.File("train-images-idx3-ubyte")}: ", CliRunner.AssertOneLineError(result));
    }

    [Fact]
    public async Task Train_with_a_data_folder_missing_a_file()
    {
        using var data = new TestFolder();

        var result = await CliRunner.RunAsync("train", "--data", data.Path, "--out", _folder.File("out"));

        Assert.Contains("train-images-idx3-ubyte", CliRunner.AssertOneLineError(result));
    }
}
