using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using ModelGen.Serving.Tests.Harness;
using ModelGen.Serving.Tests.Models;

namespace ModelGen.Serving.Tests;

/// <summary>The server under pressure: a full queue, a slow client, a stop with a request in flight, many clients at once.</summary>
public sealed class OperationsTests : IDisposable
{
    private const string TwoValues = """{"inputs":[{"name":"input","shape":[1,2],"datatype":"FP32","data":[1,2]}]}""";
    private readonly ModelFiles _files = new();

    [Fact]
    public async Task ARequestThatFindsNoFreeSlotInTimeIsAnswered503()
    {
        using var backend = new BlockingBackend();
        await using ServingHost host = await ServingHost.StartAsync(
            services => services.AddInferenceModel("blocking", _ => backend),
            server =>
            {
                server.MaxConcurrentInferences = 1;
                server.QueueTimeout = TimeSpan.FromMilliseconds(200);
            });
        Task<(int, JsonElement)> holder = host.InferAsync(TwoValues, "blocking");
        Assert.True(await backend.EnteredAsync());
        var (status, body) = await host.InferAsync(TwoValues, "blocking");
        Assert.Equal(503, status);
        Assert.Equal("the server is busy: no inference slot came free within 0.2 s; try again", body.GetProperty("error").GetString());
        backend.Release();
        Assert.Equal(200, (await holder).Item1);
    }

    [Fact]
    public async Task ABodyThatDoesNotArriveInTimeIsAnswered408()
    {
        await using ServingHost host = await StartTinyAsync(server => server.RequestBodyTimeout = TimeSpan.FromMilliseconds(300));
        string request = Requests.Fp32(new float[6], 1, 6);
        var (status, body) = await RawHttp.PostInTwoPartsAsync(host.Client.BaseAddress!, "/v2/models/tiny/infer", request, 10, () => Task.Delay(1500));
        Assert.Equal(408, status);
        using JsonDocument error = JsonDocument.Parse(body);
        Assert.Equal("the request body did not arrive within 0.3 s", error.RootElement.GetProperty("error").GetString());
    }

    [Fact]
    public async Task StoppingLetsARequestInFlightFinishAndTurnsReadinessOff()
    {
        await using ServingHost host = await StartTinyAsync();
        ModelRepository repository = host.Services.GetRequiredService<ModelRepository>();
        float[] inputs = ModelFiles.RandomInputs(1, 6, seed: 4);
        Task? stopping = null;
        var (status, body) = await RawHttp.PostInTwoPartsAsync(host.Client.BaseAddress!, "/v2/models/tiny/infer", Requests.Fp32(inputs, 1, 6), 20, async () =>
        {
            await Task.Delay(200); // the server is now reading this request's body
            Assert.True(repository.IsReady);
            stopping = host.StopAsync(); // as SIGTERM does
            await Task.Delay(300);
            Assert.False(stopping.IsCompleted, "the server stopped with a request in flight");
            Assert.False(repository.IsReady);
        });
        Assert.Equal(200, status);
        var expected = new float[3];
        TinyMlp served = new();
        served.Load(_files.PathOf("tiny.safetensors"));
        served.Predict(inputs, expected);
        using JsonDocument answer = JsonDocument.Parse(body);
        Assert.Equal(expected, answer.RootElement.GetProperty("outputs")[0].GetProperty("data").EnumerateArray().Select(v => v.GetSingle()));
        await stopping!.WaitAsync(TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task ManyClientsAtOnceGetTheirOwnAnswersFromAFewWorkspaces()
    {
        await using ServingHost host = await StartTinyAsync(server => server.MaxConcurrentInferences = 3);
        TinyMlp model = new();
        model.Load(_files.PathOf("tiny.safetensors"));
        var failures = new System.Collections.Concurrent.ConcurrentBag<string>();
        await Task.WhenAll(Enumerable.Range(0, 32).Select(client => Task.Run(async () =>
        {
            for (int i = 0; i < 10; i++)
            {
                int batch = 1 + (client + i) % 4;
                float[] inputs = ModelFiles.RandomInputs(batch, 6, seed: client * 100 + i);
                var (status, body) = await host.InferAsync(Requests.Fp32(inputs, batch, 6));
                var expected = new float[batch * 3];
                lock (model) model.PredictBatch(inputs, expected); // a model's own Predict is not thread-safe; the server's backend is
                float[] served = status == 200 ? [.. body.GetProperty("outputs")[0].GetProperty("data").EnumerateArray().Select(v => v.GetSingle())] : [];
                if (!served.SequenceEqual(expected)) failures.Add($"client {client} request {i}: {status} {body}");
            }
        })));
        Assert.Empty(failures);
        var backend = (GeneratedModelBackend<TinyMlp.Workspace>)host.Services.GetRequiredService<ModelRepository>().Find("tiny")!.Current!.Backend;
        Assert.InRange(backend.WorkspacesCreated, 1, 3);
    }

    private Task<ServingHost> StartTinyAsync(Action<InferenceServerOptions>? server = null)
    {
        (_, string path) = _files.TinyMlp(seed: 1);
        return ServingHost.StartAsync(services => services.AddInferenceModel<TinyMlp, TinyMlp.Workspace>("tiny", o => o.ModelPath = path), server);
    }

    public void Dispose() => _files.Dispose();
}
