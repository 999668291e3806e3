using System.Net.Http.Headers;
using System.Text.Json;
using ModelGen.Samples.Mnist;
using ModelGen.Samples.Mnist.Imaging;
using ModelGen.Serving.Tests.Harness;

namespace ModelGen.Serving.Tests;

/// <summary>The Serve sample's POST /predict: a PNG of a digit through the MNIST sample's own preprocessing, then the served model.</summary>
public sealed class PredictEndpointTests : IAsyncLifetime, IDisposable
{
    private readonly ModelFiles _files = new();
    private readonly MnistMlp _model = new(seed: 6);
    private ServeRun _serve = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        string path = _files.PathOf("mlp.safetensors");
        _model.Save(path);
        _serve = ServeRun.Start("--model", path);
        _client = new HttpClient { BaseAddress = await _serve.AddressAsync() };
    }

    [Fact]
    public async Task ADigitsPictureGetsThePredictionOfItsPreprocessedPixels()
    {
        byte[] png = GrayPng.Seven();
        var (status, body) = await PostAsync(png);
        Assert.Equal(200, status);
        float[] input = DigitPreprocessor.Preprocess(ImageDecoder.Decode(png, "test"), "test");
        var expected = new float[10];
        _model.Predict(input, expected);
        Assert.Equal("mnist", body.GetProperty("model_name").GetString());
        Assert.Equal("1", body.GetProperty("model_version").GetString());
        Assert.Equal(expected, body.GetProperty("probabilities").EnumerateArray().Select(v => v.GetSingle()));
        Assert.Equal(_model.PredictClass(input), body.GetProperty("digit").GetInt32());
    }

    [Theory]
    [InlineData("not an image", "the uploaded image: not a PNG or JPEG image that can be read")]
    [InlineData("blank", "the uploaded image: no digit found: the image is blank")]
    [InlineData("empty", "the body is empty; POST the PNG or JPEG file itself")]
    public async Task APictureWithoutADigitIsOneLine(string what, string message)
    {
        byte[] body = what switch
        {
            "not an image" => "hello"u8.ToArray(),
            "blank" => GrayPng.Blank(),
            _ => [],
        };
        var (status, answer) = await PostAsync(body);
        Assert.Equal(400, status);
        Assert.StartsWith(message, answer.GetProperty("error").GetString(), StringComparison.Ordinal);
    }

    private async Task<(int Status, JsonElement Body)> PostAsync(byte[] image)
    {
        var content = new ByteArrayContent(image);
        content.Headers.ContentType = new MediaTypeHeaderValue("image/png");
        using HttpResponseMessage response = await _client.PostAsync("/predict", content);
        string text = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain("\\u00", text, StringComparison.Ordinal);
        using JsonDocument body = JsonDocument.Parse(text);
        return ((int)response.StatusCode, body.RootElement.Clone());
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _serve.DisposeAsync();
        Dispose();
    }

    public void Dispose() => _files.Dispose();
}
