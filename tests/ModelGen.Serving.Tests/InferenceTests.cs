using System.Text.Json;
using ModelGen.Serving.Tests.Harness;

namespace ModelGen.Serving.Tests;

/// <summary>Inference answers: the library's own Predict and PredictClass for the same inputs, in every form the protocol allows.</summary>
public sealed class InferenceTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private ServingHost Host => fixture.Host;

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(ServerFixture.MaxBatch)]
    public async Task FlatFp32GivesPredictsProbabilitiesAndClasses(int batch)
    {
        float[] inputs = ModelFiles.RandomInputs(batch, 6, seed: batch);
        var (status, body) = await Host.InferAsync(Requests.Fp32(inputs, batch, 6));
        Assert.Equal(200, status);
        Assert.Equal("tiny", body.GetProperty("model_name").GetString());
        Assert.Equal("1", body.GetProperty("model_version").GetString());
        AssertAnswers(body, inputs, batch);
    }

    [Fact]
    public async Task NestedDataGivesTheSameAnswers()
    {
        float[] inputs = ModelFiles.RandomInputs(2, 6, seed: 11);
        var (status, body) = await Host.InferAsync(Requests.Tensor("FP32", Requests.Rows(inputs, 6), [2, 6]));
        Assert.Equal(200, status);
        AssertAnswers(body, inputs, 2);
    }

    [Fact]
    public async Task Uint8PixelsAreScaledTo0Through1()
    {
        byte[] pixels = [0, 17, 128, 200, 255, 3, 90, 91, 92, 93, 94, 254];
        var (status, body) = await Host.InferAsync(Requests.Tensor("UINT8", $"[{string.Join(",", pixels)}]", [2, 6]));
        Assert.Equal(200, status);
        AssertAnswers(body, [.. pixels.Select(p => p / 255f)], 2);
    }

    [Fact]
    public async Task ImageInputsMayBeNestedAsTheImageOrFlat()
    {
        float[] images = ModelFiles.RandomInputs(2, 36, seed: 3);
        var expected = new float[2 * 4];
        fixture.Conv.PredictBatch(images, expected);
        string nested = "[" + string.Join(",", Enumerable.Range(0, 2).Select(s =>
            "[" + string.Join(",", Enumerable.Range(0, 6).Select(r =>
                "[" + string.Join(",", Enumerable.Range(0, 6).Select(c => $"[{images[s * 36 + r * 6 + c]:R}]")) + "]")) + "]")) + "]";
        foreach (string request in (string[])[
            Requests.Tensor("FP32", nested, [2, 6, 6, 1]),
            Requests.Fp32(images, 2, 6, 6, 1),
            Requests.Fp32(images, 2, 36),
            Requests.Fp32(images, 2, 6, 6)])
        {
            var (status, body) = await Host.InferAsync(request, "conv");
            Assert.True(status == 200, body.ToString());
            Assert.Equal(expected, Output(body, "probabilities").GetProperty("data").EnumerateArray().Select(v => v.GetSingle()));
        }
    }

    [Fact]
    public async Task RequestedOutputsAreAnsweredAloneAndInTheirOrder()
    {
        float[] inputs = ModelFiles.RandomInputs(2, 6, seed: 5);
        var (_, classOnly) = await Host.InferAsync(Requests.Tensor("FP32", Requests.Numbers(inputs), [2, 6], extra: ""","outputs":[{"name":"class"}]"""));
        Assert.Equal(["class"], classOnly.GetProperty("outputs").EnumerateArray().Select(o => o.GetProperty("name").GetString()));
        var (_, both) = await Host.InferAsync(Requests.Tensor("FP32", Requests.Numbers(inputs), [2, 6],
            extra: ""","outputs":[{"name":"class","parameters":{"binary_data":false}},{"name":"probabilities"}]"""));
        Assert.Equal(["class", "probabilities"], both.GetProperty("outputs").EnumerateArray().Select(o => o.GetProperty("name").GetString()));
        AssertAnswers(both, inputs, 2);
    }

    /// <summary>
    /// The protocol's own example request (the KServe "Inference Request Examples"), pretty-printed as there, with
    /// its id and requested output, for this server's one-input model: the answer has the example response's form.
    /// </summary>
    [Fact]
    public async Task TheProtocolsExampleRequestGetsTheExampleResponsesForm()
    {
        const string request = """
            {
              "id" : "42",
              "parameters" : { "sequence_id" : 7 },
              "inputs" : [
                {
                  "name" : "input",
                  "shape" : [ 2, 6 ],
                  "datatype" : "FP32",
                  "parameters" : { "binary_data" : false },
                  "data" : [ 1, 2, 3, 4, 5, 6, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6 ]
                }
              ],
              "outputs" : [
                {
                  "name" : "probabilities"
                }
              ]
            }
            """;
        var (status, body) = await Host.InferAsync(request);
        Assert.Equal(200, status);
        Assert.Equal("42", body.GetProperty("id").GetString());
        JsonElement output = Assert.Single(body.GetProperty("outputs").EnumerateArray());
        Assert.Equal("probabilities", output.GetProperty("name").GetString());
        Assert.Equal("FP32", output.GetProperty("datatype").GetString());
        Assert.Equal([2L, 3L], output.GetProperty("shape").EnumerateArray().Select(d => d.GetInt64()));
        Assert.Equal(6, output.GetProperty("data").GetArrayLength());
    }

    /// <summary>The example request verbatim: two inputs of datatypes this model does not take; refused with what it takes.</summary>
    [Fact]
    public async Task TheProtocolsExampleRequestVerbatimIsRefusedWithWhatTheModelTakes()
    {
        const string request = """
            {
              "id" : "42",
              "inputs" : [
                { "name" : "input0", "shape" : [ 2, 2 ], "datatype" : "UINT32", "data" : [ 1, 2, 3, 4 ] },
                { "name" : "input1", "shape" : [ 3 ], "datatype" : "BOOL", "data" : [ true ] }
              ],
              "outputs" : [ { "name" : "output0" } ]
            }
            """;
        var (status, body) = await Host.InferAsync(request);
        Assert.Equal(400, status);
        Assert.Equal("the request has 2 inputs; model 'tiny' takes one input, 'input'", body.GetProperty("error").GetString());
    }

    [Fact]
    public async Task AnEscapedIdIsEchoedAsSent()
    {
        float[] inputs = ModelFiles.RandomInputs(1, 6, seed: 8);
        string request = Requests.Fp32(inputs, 1, 6).Insert(1, """ "id":"a\"b\u00e9c", """);
        var (status, body) = await Host.InferAsync(request);
        Assert.Equal(200, status);
        Assert.Equal("a\"béc", body.GetProperty("id").GetString());
    }

    private void AssertAnswers(JsonElement body, float[] inputs, int batch)
    {
        JsonElement probabilities = Output(body, "probabilities");
        Assert.Equal("FP32", probabilities.GetProperty("datatype").GetString());
        Assert.Equal([batch, 3L], probabilities.GetProperty("shape").EnumerateArray().Select(d => d.GetInt64()));
        float[] served = [.. probabilities.GetProperty("data").EnumerateArray().Select(v => v.GetSingle())];
        JsonElement classes = Output(body, "class");
        Assert.Equal("INT64", classes.GetProperty("datatype").GetString());
        Assert.Equal([(long)batch], classes.GetProperty("shape").EnumerateArray().Select(d => d.GetInt64()));
        long[] servedClasses = [.. classes.GetProperty("data").EnumerateArray().Select(v => v.GetInt64())];
        var expected = new float[3];
        for (int s = 0; s < batch; s++)
        {
            ReadOnlySpan<float> input = inputs.AsSpan(s * 6, 6);
            fixture.Tiny.Predict(input, expected);
            Assert.Equal(expected, served.AsSpan(s * 3, 3).ToArray()); // bit for bit: floats are written to read back exactly
            Assert.Equal(fixture.Tiny.PredictClass(input), servedClasses[s]);
        }
    }

    private static JsonElement Output(JsonElement body, string name) =>
        body.GetProperty("outputs").EnumerateArray().Single(o => o.GetProperty("name").GetString() == name);
}
