using System.Text.Json;
using ModelGen.Serving.Tests.Harness;

namespace ModelGen.Serving.Tests;

/// <summary>A request in flight when a new version is swapped in finishes on the version it started with; the next one runs on the new.</summary>
public sealed class InFlightSwapTests
{
    private const string Request = """{"inputs":[{"name":"input","shape":[1,2],"datatype":"FP32","data":[1,2]}]}""";

    [Fact]
    public async Task TheOldVersionAnswersTheRequestItStartedAndTheNewOneTheNext()
    {
        using var first = new BlockingBackend(answer: 0.25f);
        using var second = new BlockingBackend(answer: 0.75f);
        var backends = new Queue<IInferenceBackend>([first, second]);
        await using ServingHost host = await ServingHost.StartAsync(services => services.AddInferenceModel("swap", _ => backends.Dequeue()),
            server => server.MaxConcurrentInferences = 2); // both requests at once, whatever the machine's cores
        ServedModel model = host.Services.GetRequiredServiceOf<ModelRepository>().Find("swap")!;

        Task<(int Status, JsonElement Body)> inFlight = host.InferAsync(Request, "swap");
        Assert.True(await first.EnteredAsync()); // running on version 1
        Assert.Equal(2, model.Reload().Number);

        Task<(int Status, JsonElement Body)> next = host.InferAsync(Request, "swap");
        Assert.True(await second.EnteredAsync());
        second.Release();
        AssertAnswer(await next, "2", 0.75f);

        Assert.False(inFlight.IsCompleted);
        first.Release();
        AssertAnswer(await inFlight, "1", 0.25f);
    }

    private static void AssertAnswer((int Status, JsonElement Body) answer, string version, float value)
    {
        Assert.Equal(200, answer.Status);
        Assert.Equal(version, answer.Body.GetProperty("model_version").GetString());
        Assert.Equal([value, value], answer.Body.GetProperty("outputs")[0].GetProperty("data").EnumerateArray().Select(v => v.GetSingle()));
    }
}
