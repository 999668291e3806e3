using System.Net;
using System.Text.Json;
using ModelGen.Serving.Tests.Harness;

namespace ModelGen.Serving.Tests;

/// <summary>Every endpoint of the protocol on a running server: metadata, health, readiness, versions.</summary>
public sealed class ProtocolEndpointTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private ServingHost Host => fixture.Host;

    [Fact]
    public async Task ServerMetadataNamesTheServerAndItsVersion()
    {
        using JsonDocument body = await GetJsonAsync("/v2");
        Assert.Equal("modelgen", body.RootElement.GetProperty("name").GetString());
        Assert.Equal(typeof(InferenceServerOptions).Assembly.GetName().Version!.ToString(3), body.RootElement.GetProperty("version").GetString());
        Assert.Equal(0, body.RootElement.GetProperty("extensions").GetArrayLength());
    }

    [Theory]
    [InlineData("/v2/health/live")]
    [InlineData("/v2/health/ready")]
    [InlineData("/v2/models/tiny/ready")]
    [InlineData("/v2/models/tiny/versions/1/ready")]
    [InlineData("/v2/models/conv/ready")]
    public async Task HealthIsTheStatusWithAnEmptyBody(string path)
    {
        using HttpResponseMessage response = await Host.Client.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task ClassifierMetadataListsItsInputAndBothOutputs()
    {
        using JsonDocument body = await GetJsonAsync("/v2/models/tiny");
        JsonElement root = body.RootElement;
        Assert.Equal("tiny", root.GetProperty("name").GetString());
        Assert.Equal(["1"], root.GetProperty("versions").EnumerateArray().Select(v => v.GetString()));
        Assert.Equal("modelgen", root.GetProperty("platform").GetString());
        Assert.Equal("input FP32 [-1,6]", Describe(Assert.Single(root.GetProperty("inputs").EnumerateArray())));
        Assert.Equal(["probabilities FP32 [-1,3]", "class INT64 [-1]"], root.GetProperty("outputs").EnumerateArray().Select(Describe));
    }

    [Fact]
    public async Task AnImageModelsInputIsHeightWidthChannels()
    {
        using JsonDocument body = await GetJsonAsync("/v2/models/conv/versions/1");
        Assert.Equal("input FP32 [-1,6,6,1]", Describe(Assert.Single(body.RootElement.GetProperty("inputs").EnumerateArray())));
        Assert.Equal(["probabilities FP32 [-1,4]", "class INT64 [-1]"], body.RootElement.GetProperty("outputs").EnumerateArray().Select(Describe));
    }

    [Fact]
    public async Task ARegressorHasOneOutputNamedOutput()
    {
        using JsonDocument body = await GetJsonAsync("/v2/models/regressor");
        Assert.Equal(["output FP32 [-1,2]"], body.RootElement.GetProperty("outputs").EnumerateArray().Select(Describe));
        float[] input = [0.5f, -1f, 2f];
        var (status, answer) = await Host.InferAsync(Requests.Fp32(input, 1, 3), "regressor");
        Assert.Equal(200, status);
        JsonElement output = Assert.Single(answer.GetProperty("outputs").EnumerateArray());
        var expected = new float[2];
        fixture.Regressor.Predict(input, expected);
        Assert.Equal("output", output.GetProperty("name").GetString());
        Assert.Equal(expected, output.GetProperty("data").EnumerateArray().Select(v => v.GetSingle()));
    }

    [Fact]
    public async Task AnotherVersionIsNotFound()
    {
        using HttpResponseMessage response = await Host.Client.GetAsync("/v2/models/tiny/versions/2");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("model 'tiny' has no version '2'; it serves version 1", await ErrorOf(response));
    }

    private async Task<JsonDocument> GetJsonAsync(string path)
    {
        using HttpResponseMessage response = await Host.Client.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync());
    }

    internal static async Task<string?> ErrorOf(HttpResponseMessage response)
    {
        using JsonDocument body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return body.RootElement.GetProperty("error").GetString();
    }

    private static string Describe(JsonElement tensor) =>
        $"{tensor.GetProperty("name").GetString()} {tensor.GetProperty("datatype").GetString()} [{string.Join(",", tensor.GetProperty("shape").EnumerateArray().Select(d => d.GetInt64()))}]";
}
