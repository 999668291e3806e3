using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using ModelGen.Serving.Tests.Harness;

namespace ModelGen.Serving.Tests;

/// <summary>
/// Requests a server must refuse: each gets a 4xx and <c>{"error": "..."}</c> saying what is wrong, never a 5xx,
/// and the server answers a good request afterwards. "tiny" takes [batch ≤ 4, 6] and bodies up to 64 KiB.
/// </summary>
public sealed class BadRequestTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private const string Six = "[1,2,3,4,5,6]";

    private static string Input(string members) => "{\"inputs\":[{" + members + "}]}";

    /// <summary>(what is wrong, body, status, a piece of the message). All POSTed to /v2/models/tiny/infer.</summary>
    public static TheoryData<string, string, int, string> Bodies => new()
    {
        { "malformed JSON", "{\"inputs\": [", 400, "malformed JSON" },
        { "an empty body", "", 400, "the body is empty" },
        { "not an object", "[1,2,3]", 400, "must be a JSON object" },
        { "JSON after the object", Input($"\"name\":\"input\",\"shape\":[1,6],\"datatype\":\"FP32\",\"data\":{Six}") + " {}", 400, "malformed JSON" },
        { "no inputs", "{\"id\":\"1\"}", 400, "has no \"inputs\"" },
        { "inputs not an array", "{\"inputs\":{\"name\":\"input\"}}", 400, "\"inputs\" must be an array" },
        { "an input that is not an object", "{\"inputs\":[5]}", 400, "must be an object" },
        { "two inputs", "{\"inputs\":[{\"name\":\"input\"},{\"name\":\"input\"}]}", 400, "has 2 inputs" },
        { "an unknown input name", Input($"\"name\":\"pixels\",\"shape\":[1,6],\"datatype\":\"FP32\",\"data\":{Six}"), 400, "there is no input 'pixels'" },
        { "no name", Input($"\"shape\":[1,6],\"datatype\":\"FP32\",\"data\":{Six}"), 400, "the input has no \"name\"" },
        { "no datatype", Input($"\"name\":\"input\",\"shape\":[1,6],\"data\":{Six}"), 400, "has no \"datatype\"" },
        { "an unsupported datatype", Input($"\"name\":\"input\",\"shape\":[1,6],\"datatype\":\"INT64\",\"data\":{Six}"), 400, "datatype 'INT64' is not accepted" },
        { "no shape", Input($"\"name\":\"input\",\"datatype\":\"FP32\",\"data\":{Six}"), 400, "has no \"shape\"" },
        { "no data", Input("\"name\":\"input\",\"shape\":[1,6],\"datatype\":\"FP32\""), 400, "has no \"data\"" },
        { "the wrong sample shape", Input($"\"name\":\"input\",\"shape\":[1,5],\"datatype\":\"FP32\",\"data\":{Six}"), 400, "shape [1, 5] does not fit model 'tiny': give [batch, 6]" },
        { "a shape without a batch", Input($"\"name\":\"input\",\"shape\":[6],\"datatype\":\"FP32\",\"data\":{Six}"), 400, "shape [6] does not fit" },
        { "a negative dimension", Input($"\"name\":\"input\",\"shape\":[-1,6],\"datatype\":\"FP32\",\"data\":{Six}"), 400, "has a dimension of -1" },
        { "a batch of 0", Input("\"name\":\"input\",\"shape\":[0,6],\"datatype\":\"FP32\",\"data\":[]"), 400, "has a dimension of 0" },
        { "a fractional dimension", Input($"\"name\":\"input\",\"shape\":[1.5,6],\"datatype\":\"FP32\",\"data\":{Six}"), 400, "whole numbers only" },
        { "far too few values", Input($"\"name\":\"input\",\"shape\":[2,6],\"datatype\":\"FP32\",\"data\":{Six}"), 400, "\"data\" is 13 bytes, too short for the 12 values its shape needs" },
        { "one value too few", Input("\"name\":\"input\",\"shape\":[2,6],\"datatype\":\"FP32\",\"data\":[1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0, 11.0]"), 400, "holds 11 values but shape [2, 6] needs 12" },
        { "too many values", Input("\"name\":\"input\",\"shape\":[1,6],\"datatype\":\"FP32\",\"data\":[1,2,3,4,5,6,7]"), 400, "holds more values" },
        { "a string in data", Input("\"name\":\"input\",\"shape\":[1,6],\"datatype\":\"FP32\",\"data\":[1,2,\"3\",4,5,6]"), 400, "element 2 is a string" },
        { "NaN as a string", Input("\"name\":\"input\",\"shape\":[1,6],\"datatype\":\"FP32\",\"data\":[\"NaN\",2,3,4,5,6]"), 400, "element 0 is a string" },
        { "NaN as a bare word", Input("\"name\":\"input\",\"shape\":[1,6],\"datatype\":\"FP32\",\"data\":[NaN,2,3,4,5,6]"), 400, "malformed JSON" },
        { "a value too large for FP32", Input("\"name\":\"input\",\"shape\":[1,6],\"datatype\":\"FP32\",\"data\":[1,2,3,4,5,1e999]"), 400, "element 5 is 1e999, which is not a finite FP32 value" },
        { "null in data", Input("\"name\":\"input\",\"shape\":[1,6],\"datatype\":\"FP32\",\"data\":[1,null,3,4,5,6]"), 400, "element 1 is null" },
        { "a boolean in data", Input("\"name\":\"input\",\"shape\":[1,6],\"datatype\":\"FP32\",\"data\":[true,2,3,4,5,6]"), 400, "element 0 is a boolean" },
        { "data not an array", Input("\"name\":\"input\",\"shape\":[1,6],\"datatype\":\"FP32\",\"data\":7"), 400, "must be an array" },
        { "a UINT8 value over 255", Input("\"name\":\"input\",\"shape\":[1,6],\"datatype\":\"UINT8\",\"data\":[1,2,300,4,5,6]"), 400, "element 2 is 300; UINT8" },
        { "a fractional UINT8 value", Input("\"name\":\"input\",\"shape\":[1,6],\"datatype\":\"UINT8\",\"data\":[1,2,3,4,5,6.5]"), 400, "element 5 is 6.5; UINT8" },
        { "a negative UINT8 value", Input("\"name\":\"input\",\"shape\":[1,6],\"datatype\":\"UINT8\",\"data\":[-1,2,3,4,5,6]"), 400, "element 0 is -1; UINT8" },
        { "a batch over the limit", Input("\"name\":\"input\",\"shape\":[5,6],\"datatype\":\"FP32\",\"data\":" + Requests.Numbers(new float[30])), 400, "a batch of 5 samples is over model 'tiny''s limit of 4" },
        { "rows of the wrong length", Input("\"name\":\"input\",\"shape\":[2,6],\"datatype\":\"FP32\",\"data\":[[1,2,3,4,5,6],[1,2,3,4,5]]"), 400, "has 5 elements at depth 2 where shape [2, 6] says 6" },
        { "numbers and rows mixed", Input("\"name\":\"input\",\"shape\":[2,6],\"datatype\":\"FP32\",\"data\":[[1,2,3,4,5,6],1,2,3,4,5,6]"), 400, "has a value at depth 1" },
        { "nesting deeper than the shape", Input("\"name\":\"input\",\"shape\":[1,6],\"datatype\":\"FP32\",\"data\":[[[1],2,3,4,5,6]]"), 400, "nested deeper than its shape's 2 dimensions" },
        { "an unknown output", Input($"\"name\":\"input\",\"shape\":[1,6],\"datatype\":\"FP32\",\"data\":{Six}") [..^1] + ",\"outputs\":[{\"name\":\"logits\"}]}", 400, "there is no output 'logits'; model 'tiny' gives 'probabilities' and 'class'" },
        { "an output asked for twice", Input($"\"name\":\"input\",\"shape\":[1,6],\"datatype\":\"FP32\",\"data\":{Six}") [..^1] + ",\"outputs\":[{\"name\":\"class\"},{\"name\":\"class\"}]}", 400, "output 'class' is asked for twice" },
        { "no outputs in an outputs list", Input($"\"name\":\"input\",\"shape\":[1,6],\"datatype\":\"FP32\",\"data\":{Six}") [..^1] + ",\"outputs\":[]}", 400, "\"outputs\" is empty" },
        { "an id that is a number", "{\"id\":42," + Input($"\"name\":\"input\",\"shape\":[1,6],\"datatype\":\"FP32\",\"data\":{Six}")[1..], 400, "\"id\" must be a string" },
        { "binary data announced in parameters", Input($"\"name\":\"input\",\"shape\":[1,6],\"datatype\":\"FP32\",\"parameters\":{{\"binary_data_size\":24}}"), 400, "binary tensor data is not supported" },
        { "too many dimensions", Input($"\"name\":\"input\",\"shape\":[1,1,1,1,1,1,1,1,6],\"datatype\":\"FP32\",\"data\":{Six}"), 400, "more than 8 dimensions" },
        { "a body over the limit", Input("\"name\":\"input\",\"shape\":[1,6],\"datatype\":\"FP32\",\"data\":" + Six + new string(' ', ServerFixture.BodyLimit)), 413, "over this server's limit of 65536" },
    };

    [Theory]
    [MemberData(nameof(Bodies))]
    public async Task EachBadBodyIsRefusedWithWhatIsWrong(string wrong, string body, int status, string message)
    {
        using HttpResponseMessage response = await fixture.Host.PostAsync("/v2/models/tiny/infer", body);
        await AssertRefusedAsync(response, wrong, status, message);
    }

    [Fact]
    public async Task ABodyOverTheLimitWithoutContentLengthIsRefusedToo()
    {
        // Chunked: the size is only known once too much has arrived.
        var content = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes(new string(' ', 3 * ServerFixture.BodyLimit) + "{}")));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v2/models/tiny/infer") { Content = content };
        request.Headers.TransferEncodingChunked = true;
        using HttpResponseMessage response = await fixture.Host.Client.SendAsync(request);
        await AssertRefusedAsync(response, "a chunked body over the limit", 413, "over this server's limit of 65536");
    }

    /// <summary>(what is wrong, method, path, status, a piece of the message).</summary>
    public static TheoryData<string, string, string, int, string> Paths => new()
    {
        { "an unknown model", "POST", "/v2/models/mnist/infer", 404, "unknown model 'mnist'; this server serves: tiny, conv, regressor" },
        { "metadata of an unknown model", "GET", "/v2/models/mnist", 404, "unknown model 'mnist'" },
        { "readiness of an unknown model", "GET", "/v2/models/mnist/ready", 404, "unknown model 'mnist'" },
        { "a version not served", "POST", "/v2/models/tiny/versions/7/infer", 404, "model 'tiny' has no version '7'; it serves version 1" },
        { "GET on infer", "GET", "/v2/models/tiny/infer", 405, "/v2/models/tiny/infer takes POST, not GET" },
        { "POST on metadata", "POST", "/v2/models/tiny", 405, "takes GET, not POST" },
        { "DELETE on health", "DELETE", "/v2/health/live", 405, "takes GET, not DELETE" },
        { "a path the protocol does not have", "GET", "/v2/models/tiny/stats", 404, "no endpoint GET /v2/models/tiny/stats" },
        { "another protocol version", "GET", "/v2/repository/index", 404, "no endpoint GET /v2/repository/index" },
    };

    [Theory]
    [MemberData(nameof(Paths))]
    public async Task EachBadPathIsRefusedWithWhatIsWrong(string wrong, string method, string path, int status, string message)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (method == "POST") request.Content = new StringContent(Input($"\"name\":\"input\",\"shape\":[1,6],\"datatype\":\"FP32\",\"data\":{Six}"));
        using HttpResponseMessage response = await fixture.Host.Client.SendAsync(request);
        await AssertRefusedAsync(response, wrong, status, message);
    }

    [Fact]
    public async Task TritonsBinaryExtensionIsRefusedWithWhatToDoInstead()
    {
        var content = new StringContent(Input("\"name\":\"input\",\"shape\":[1,6],\"datatype\":\"FP32\""), Encoding.UTF8, "application/octet-stream");
        content.Headers.Add("Inference-Header-Content-Length", "60");
        using HttpResponseMessage response = await fixture.Host.Client.PostAsync("/v2/models/tiny/infer", content);
        await AssertRefusedAsync(response, "binary data", 400, "binary_data=False");
    }

    private async Task AssertRefusedAsync(HttpResponseMessage response, string wrong, int status, string message)
    {
        string text = await response.Content.ReadAsStringAsync();
        Assert.True((int)response.StatusCode == status, $"{wrong}: expected {status}, got {(int)response.StatusCode}: {text}");
        Assert.DoesNotContain("\\u00", text, StringComparison.Ordinal); // quotes as typed, readable in a terminal
        using JsonDocument body = JsonDocument.Parse(text);
        string error = body.RootElement.GetProperty("error").GetString()!;
        Assert.Contains(message, error, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error);
        // The server is still well: a good request right after is answered.
        var (goodStatus, _) = await fixture.Host.InferAsync(Input($"\"name\":\"input\",\"shape\":[1,6],\"datatype\":\"FP32\",\"data\":{Six}"));
        Assert.Equal((int)HttpStatusCode.OK, goodStatus);
    }
}
