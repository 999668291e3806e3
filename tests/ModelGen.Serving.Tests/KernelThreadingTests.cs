using ModelGen.Serving.Tests.Harness;
using ModelGen.Serving.Tests.Models;

namespace ModelGen.Serving.Tests;

/// <summary>Kernels.AllowParallel is process-wide: these tests run alone, after the others.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class KernelThreadingGroup
{
    public const string Name = "Kernel threading";
}

/// <summary>
/// A server keeps each request's products on its own thread unless told otherwise (concurrent requests fill the
/// cores), and the answers are the same bits either way.
/// </summary>
[Collection(KernelThreadingGroup.Name)]
public sealed class KernelThreadingTests : IDisposable
{
    private readonly ModelFiles _files = new();

    public void Dispose()
    {
        _files.Dispose();
        Kernels.AllowParallel = true;
    }

    private async Task<string> AnswerAsync(bool? parallel)
    {
        (_, string path) = _files.TinyMlp(seed: 1);
        await using ServingHost host = await ServingHost.StartAsync(services => services.AddInferenceModel<TinyMlp, TinyMlp.Workspace>("tiny", o => o.ModelPath = path),
            parallel is { } p ? server => server.ParallelKernels = p : null);
        Assert.Equal(parallel ?? false, Kernels.AllowParallel);
        var (status, body) = await host.InferAsync(Requests.Fp32(ModelFiles.RandomInputs(4, TinyMlp.InputSize, 3), 4, TinyMlp.InputSize), "tiny");
        Assert.Equal(200, status);
        return body.GetProperty("outputs").ToString();
    }

    [Fact]
    public async Task Kernels_stay_on_the_request_thread_by_default_and_the_option_turns_splitting_on_with_the_same_answers()
    {
        Kernels.AllowParallel = true;
        string byDefault = await AnswerAsync(null);
        string split = await AnswerAsync(true);
        string single = await AnswerAsync(false);
        Assert.Equal(byDefault, split);
        Assert.Equal(byDefault, single);
    }
}
