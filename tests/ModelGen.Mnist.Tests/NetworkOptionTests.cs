using System.Text.Json;
using ModelGen.Samples.Mnist;
using ModelGen.Samples.Mnist.Training;

namespace ModelGen.Mnist.Tests;

/// <summary>--network on train, and evaluate/predict finding the network from the model file's spec.</summary>
public sealed class NetworkOptionTests : IDisposable
{
    private readonly TestFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Theory]
    [InlineData("rnn")]
    [InlineData("")]
    [InlineData("0")]
    public async Task An_unknown_network_is_a_one_line_error(string name)
    {
        var result = await CliRunner.RunAsync("train", "--network", name, "--out", _folder.Path);

        Assert.Equal($"--network: '{name}' is not accepted; give {MnistNetwork.NamesInWords}.", CliRunner.AssertOneLineError(result));
    }

    [Theory]
    [InlineData("mlp")]
    [InlineData("MLP")]
    public void Network_names_are_found_in_any_case(string name) => Assert.Same(MnistNetwork.Mlp, MnistNetwork.Find(name));

    [Fact]
    public void Each_network_is_found_by_its_spec_and_names_its_model()
    {
        foreach (MnistNetwork network in MnistNetwork.All)
        {
            Assert.Same(network, MnistNetwork.FromSpec(network.Spec));
            IClassifier model = network.Create(1);
            Assert.Equal(network.Spec, model.Spec);
            Assert.Equal(network.ModelName, model.GetType().Name);
            Assert.Equal(10, model.OutputSize);
            Assert.Equal(784, model.InputSize);
        }
        Assert.Null(MnistNetwork.FromSpec("input=4;Out=dense(2,softmax)"));
        Assert.Null(MnistNetwork.FromSpec(null));
    }

    [Fact]
    public async Task Train_without_network_trains_the_mlp_and_says_so_in_the_metrics()
    {
        using var data = new TestFolder();
        IdxFiles.Write(data.Path, SyntheticDigits.Make(100, 1), SyntheticDigits.Make(50, 2));

        var train = await CliRunner.RunAsync("train", "--data", data.Path, "--out", _folder.Path, "--epochs", "1");

        Assert.True(train.ExitCode == 0, train.ToString());
        using JsonDocument metrics = OutputFiles.ReadMetrics(_folder.File("metrics.json"));
        Assert.Equal("mlp", metrics.RootElement.GetProperty("network").GetString());
        Assert.Equal(nameof(MnistMlp), metrics.RootElement.GetProperty("model").GetString());
        Assert.Equal(MnistMlp.Spec, metrics.RootElement.GetProperty("spec").GetString());
        Assert.Equal(32, metrics.RootElement.GetProperty("hyperparameters").GetProperty("batchSize").GetInt32());
    }

    [Fact]
    public async Task A_model_file_without_a_spec_is_a_one_line_error_naming_the_file()
    {
        string other = _folder.File("nospec.safetensors");
        WriteModelFile(other, "{}");

        var evaluate = await CliRunner.RunAsync("evaluate", "--model", other);

        Assert.Equal($"error: {other}: the file names no network (no spec in its metadata); it was not written by this sample's train",
            CliRunner.AssertOneLineError(evaluate));
    }

    [Fact]
    public async Task A_model_file_of_an_unknown_network_is_a_one_line_error_naming_the_file()
    {
        string other = _folder.File("other.safetensors");
        WriteModelFile(other, """{"modelgen.spec":"input=4;Out=dense(2,softmax)"}""");

        var evaluate = await CliRunner.RunAsync("evaluate", "--model", other);

        Assert.Equal($"error: {other}: the file holds a network this sample does not know (input=4;Out=dense(2,softmax)); train writes {MnistNetwork.Names} networks",
            CliRunner.AssertOneLineError(evaluate));
    }

    // A valid safetensors file with the given metadata and one small tensor: written by hand, header and all.
    private static void WriteModelFile(string path, string metadata)
    {
        string header = """{"__metadata__":""" + metadata + ""","Out.weight":{"dtype":"F32","shape":[4,2],"data_offsets":[0,32]}}""";
        using var stream = File.Create(path);
        stream.Write(BitConverter.GetBytes((ulong)header.Length));
        stream.Write(System.Text.Encoding.ASCII.GetBytes(header));
        stream.Write(new byte[32]);
    }
}
