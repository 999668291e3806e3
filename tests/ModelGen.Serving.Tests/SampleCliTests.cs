using System.Text.Json;
using ModelGen.Samples.Mnist;
using ModelGen.Serving.Tests.Harness;

namespace ModelGen.Serving.Tests;

/// <summary>The Serve sample: each of the MNIST sample's three networks served from its file, and one-line errors for bad command lines.</summary>
public sealed class SampleCliTests : IDisposable
{
    private readonly ModelFiles _files = new();

    public static TheoryData<string> Networks => ["mlp", "cnn", "resnet"];

    [Theory]
    [MemberData(nameof(Networks))]
    public async Task ServesTheNetworkTheFileHoldsAsMnist(string network)
    {
        IClassifier model = network switch
        {
            "mlp" => new MnistMlp(seed: 3),
            "cnn" => new MnistConvNet(seed: 3),
            _ => new MnistResNet(seed: 3),
        };
        string path = _files.PathOf(network + ".safetensors");
        model.Save(path);

        await using ServeRun serve = ServeRun.Start("--model", path);
        using var client = new HttpClient { BaseAddress = await serve.AddressAsync() };
        using (JsonDocument metadata = JsonDocument.Parse(await client.GetStringAsync("/v2/models/mnist")))
        {
            JsonElement input = metadata.RootElement.GetProperty("inputs")[0];
            Assert.Equal(network == "mlp" ? [-1L, 784] : [-1L, 28, 28, 1], input.GetProperty("shape").EnumerateArray().Select(d => d.GetInt64()));
        }
        float[] image = ModelFiles.RandomInputs(1, 784, seed: 4);
        using HttpResponseMessage response = await client.PostAsync("/v2/models/mnist/infer", new StringContent(Requests.Fp32(image, 1, 784)));
        using JsonDocument answer = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var expected = new float[10];
        model.Predict(image, expected);
        JsonElement probabilities = answer.RootElement.GetProperty("outputs")[0];
        Assert.Equal(expected, probabilities.GetProperty("data").EnumerateArray().Select(v => v.GetSingle()));
        Assert.Equal(model.PredictClass(image), answer.RootElement.GetProperty("outputs")[1].GetProperty("data")[0].GetInt32());
        Assert.Equal(0, await serve.StopAsync());
    }

    [Fact]
    public async Task MetricsAreScrapedInPrometheusText()
    {
        string path = _files.PathOf("mlp.safetensors");
        new MnistMlp(seed: 1).Save(path);
        await using ServeRun serve = ServeRun.Start("--model", path);
        using var client = new HttpClient { BaseAddress = await serve.AddressAsync() };
        for (int i = 0; i < 3; i++)
            (await client.PostAsync("/v2/models/mnist/infer", new StringContent(Requests.Fp32(new float[2 * 784], 2, 784)))).Dispose();
        (await client.GetAsync("/v2/models/nope")).Dispose();
        string metrics = await client.GetStringAsync("/metrics");
        Assert.Contains("modelgen_serving_requests_total{otel_scope_name=\"ModelGen.Serving\",http_response_status_code=\"200\",model=\"mnist\"} 3", metrics, StringComparison.Ordinal);
        Assert.Contains("modelgen_serving_batch_size_sum{otel_scope_name=\"ModelGen.Serving\",model=\"mnist\"} 6", metrics, StringComparison.Ordinal);
        Assert.Contains("modelgen_serving_model_loads_total{otel_scope_name=\"ModelGen.Serving\",model=\"mnist\",outcome=\"loaded\"} 1", metrics, StringComparison.Ordinal);
        Assert.Contains("modelgen_serving_request_duration_seconds_count{otel_scope_name=\"ModelGen.Serving\",model=\"mnist\"} 3", metrics, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AMissingFileIsOneLine()
    {
        string path = _files.PathOf("none.safetensors");
        Assert.Equal($"error: {path}: the file does not exist", await OneLineErrorAsync("--model", path));
    }

    [Fact]
    public async Task AFolderIsOneLine() =>
        Assert.StartsWith("error: --model: '", await OneLineErrorAsync("--model", _files.PathOf("")), StringComparison.Ordinal);

    [Fact]
    public async Task AFileThatIsNotSafetensorsIsOneLine()
    {
        string path = _files.PathOf("notes.txt");
        await File.WriteAllTextAsync(path, "not a model file at all");
        string line = await OneLineErrorAsync("--model", path);
        Assert.StartsWith($"error: {path}: ", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnotherNetworksFileIsOneLineNamingWhatIsServed()
    {
        (_, string path) = _files.TinyMlp(seed: 1);
        string line = await OneLineErrorAsync("--model", path);
        Assert.Contains("holds a network this sample does not serve (input=6;", line, StringComparison.Ordinal);
        Assert.EndsWith("it serves the MNIST sample's mlp, cnn or resnet", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ATruncatedFileIsOneLine()
    {
        string path = _files.PathOf("cut.safetensors");
        new MnistMlp(seed: 1).Save(path);
        byte[] bytes = await File.ReadAllBytesAsync(path);
        await File.WriteAllBytesAsync(path, bytes[..(bytes.Length / 2)]);
        string line = await OneLineErrorAsync("--model", path);
        Assert.StartsWith($"error: {path}: ", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task APortInUseIsOneLine()
    {
        string path = _files.PathOf("mlp.safetensors");
        new MnistMlp(seed: 1).Save(path);
        await using ServeRun first = ServeRun.Start("--model", path);
        Uri address = await first.AddressAsync();
        var (exitCode, lines) = await ServeRun.RunToEndAsync("--model", path, "--urls", address.ToString().TrimEnd('/'));
        Assert.Equal(1, exitCode);
        Assert.Contains("address already in use", Assert.Single(lines), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--urls", "localhost:8080", "--urls: 'localhost:8080' is not an address to listen on")]
    [InlineData("--urls", "https://127.0.0.1:8443", "--urls: 'https://127.0.0.1:8443' is not an address to listen on")]
    [InlineData("--max-batch", "0", "--max-batch: '0' is not a whole number from 1")]
    [InlineData("--name", "a/b", "--name: 'a/b' is not a model name")]
    [InlineData("--log-format", "xml", "'xml'")]
    public async Task ABadOptionIsOneLine(string option, string value, string message)
    {
        string path = _files.PathOf("mlp.safetensors");
        new MnistMlp(seed: 1).Save(path);
        Assert.Contains(message, await OneLineErrorAsync("--model", path, option, value), StringComparison.Ordinal);
    }

    private static async Task<string> OneLineErrorAsync(params string[] args)
    {
        var (exitCode, lines) = await ServeRun.RunToEndAsync(args);
        Assert.Equal(1, exitCode);
        string line = Assert.Single(lines);
        Assert.DoesNotContain("Exception", line, StringComparison.Ordinal);
        return line;
    }

    public void Dispose() => _files.Dispose();
}
