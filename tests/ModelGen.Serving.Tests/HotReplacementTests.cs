using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using ModelGen.Serving.Tests.Harness;
using ModelGen.Serving.Tests.Models;

namespace ModelGen.Serving.Tests;

/// <summary>
/// Replacing the served file: a new model is loaded and swapped in while clients keep sending, no request fails,
/// and each answer is wholly the old or the new model's, as its model_version says; a damaged file, one of another
/// network, or no file at all is refused with a log line while the old model keeps serving.
/// </summary>
public sealed class HotReplacementTests : IAsyncLifetime, IDisposable
{
    private static readonly TimeSpan s_poll = TimeSpan.FromMilliseconds(50);
    private readonly ModelFiles _files = new();
    private TinyMlp _first = null!;
    private string _path = null!;
    private ServingHost _host = null!;

    public async Task InitializeAsync()
    {
        (_first, _path) = _files.TinyMlp(seed: 1);
        _host = await ServingHost.StartAsync(
            services => services.AddInferenceModel<TinyMlp, TinyMlp.Workspace>("tiny", o => o.ModelPath = _path),
            server => server.ModelFilePollInterval = s_poll);
    }

    [Fact]
    public async Task ANewFileIsSwappedInUnderLoadWithoutAFailedRequest()
    {
        TinyMlp second = new(seed: 2);
        ModelFiles.Train(second, second.CreateWorkspace(8), seed: 2);
        float[] inputs = ModelFiles.RandomInputs(2, 6, seed: 7);
        string request = Requests.Fp32(inputs, 2, 6);
        float[] expectedFirst = Predictions(_first, inputs), expectedSecond = Predictions(second, inputs);
        Assert.NotEqual(expectedFirst, expectedSecond);

        var answers = new ConcurrentQueue<(int Status, string Version, float[] Probabilities)>();
        using var stop = new CancellationTokenSource();
        Task[] clients = [.. Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                var (status, body) = await _host.InferAsync(request);
                answers.Enqueue(status == 200
                    ? (status, body.GetProperty("model_version").GetString()!, body.GetProperty("outputs")[0].GetProperty("data").EnumerateArray().Select(v => v.GetSingle()).ToArray())
                    : (status, body.ToString(), []));
            }
        }))];

        await WaitUntilAsync(() => answers.Count >= 50, "answers from the first model");
        second.Save(_path); // written beside and renamed over: the watcher sees one complete new file
        await WaitUntilAsync(() => answers.Any(a => a.Version == "2"), "an answer from the second model");
        int switchedAt = answers.Count;
        await WaitUntilAsync(() => answers.Count >= switchedAt + 50, "more answers after the swap");
        await stop.CancelAsync();
        await Task.WhenAll(clients);

        (int Status, string Version, float[] Probabilities)[] all = [.. answers];
        Assert.All(all, a => Assert.True(a.Status == 200, $"a request failed during the swap: {a.Status} {a.Version}"));
        Assert.All(all, a => Assert.Equal(a.Version == "1" ? expectedFirst : expectedSecond, a.Probabilities));
        Assert.Equal(["1", "2"], all.Select(a => a.Version).Distinct().Order());
        // Once a request has seen the new model, the swap is done: every request that started later gets it too.
        Assert.All(all[switchedAt..].Skip(16), a => Assert.Equal("2", a.Version));
        Assert.Contains(_host.Log.At(LogLevel.Information), line => line.StartsWith($"Model tiny version 2 loaded from {_path}", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ADamagedFileIsRefusedAndTheOldModelKeepsServing()
    {
        byte[] good = await File.ReadAllBytesAsync(_path);
        await File.WriteAllBytesAsync(_path, good[..(good.Length - 40)]);
        string line = await RefusalAsync();
        Assert.StartsWith($"Model tiny: refused {_path}: tensor ", line, StringComparison.Ordinal); // the path once, then the reason
        Assert.EndsWith("; version 1 keeps serving", line, StringComparison.Ordinal);
        await AssertServesAsync(_first, "1");

        // A good file afterwards is taken.
        var third = new TinyMlp(seed: 3);
        third.Save(_path);
        await WaitUntilAsync(() => _host.Log.At(LogLevel.Information).Any(l => l.StartsWith("Model tiny version 2 loaded", StringComparison.Ordinal)), "the good file loaded");
        await AssertServesAsync(third, "2");
    }

    [Fact]
    public async Task AnotherNetworksFileIsRefused()
    {
        new OtherMlp(seed: 4).Save(_path);
        string line = await RefusalAsync();
        Assert.Contains("input=6;Hidden=dense(5,relu)", line, StringComparison.Ordinal);
        await AssertServesAsync(_first, "1");
    }

    [Fact]
    public async Task ARemovedFileIsReportedAndTheModelKeepsServing()
    {
        File.Delete(_path);
        await WaitUntilAsync(() => _host.Log.At(LogLevel.Warning).Any(l => l == $"Model tiny: {_path} is gone; version 1 keeps serving"), "the missing file reported");
        await AssertServesAsync(_first, "1");
    }

    private async Task<string> RefusalAsync()
    {
        string? line = null;
        await WaitUntilAsync(() => (line = _host.Log.At(LogLevel.Warning).FirstOrDefault(l => l.Contains("refused", StringComparison.Ordinal))) is not null, "a refusal in the log");
        return line!;
    }

    private async Task AssertServesAsync(TinyMlp model, string version)
    {
        float[] inputs = ModelFiles.RandomInputs(3, 6, seed: 9);
        var (status, body) = await _host.InferAsync(Requests.Fp32(inputs, 3, 6));
        Assert.Equal(200, status);
        Assert.Equal(version, body.GetProperty("model_version").GetString());
        Assert.Equal(Predictions(model, inputs), body.GetProperty("outputs")[0].GetProperty("data").EnumerateArray().Select(v => v.GetSingle()));
    }

    private static float[] Predictions(TinyMlp model, float[] inputs)
    {
        var outputs = new float[inputs.Length / 6 * 3];
        model.PredictBatch(inputs, outputs);
        return outputs;
    }

    private static async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        for (int i = 0; i < 400; i++)
        {
            if (condition()) return;
            await Task.Delay(25);
        }
        throw new TimeoutException($"no {what} within 10 s");
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        Dispose();
    }

    public void Dispose() => _files.Dispose();
}
