using ModelGen.Serving.Tests.Models;

namespace ModelGen.Serving.Tests.Harness;

/// <summary>
/// One server for the protocol tests: "tiny" (a trained TinyMlp from its file, batches of up to 4), "conv" (a
/// TinyConvNet as constructed) and "regressor"; a body limit of 64 KiB so a too-large body is cheap to send.
/// </summary>
public sealed class ServerFixture : IAsyncLifetime, IDisposable
{
    public const int MaxBatch = 4;
    public const int BodyLimit = 64 * 1024;

    private readonly ModelFiles _files = new();

    /// <summary>The model the server loaded as "tiny", from the same file.</summary>
    public TinyMlp Tiny { get; private set; } = null!;

    /// <summary>The same parameters as "conv", which serves the model as constructed (seed 0).</summary>
    public TinyConvNet Conv { get; } = new();

    /// <summary>The same parameters as "regressor".</summary>
    public TinyRegressor Regressor { get; } = new(seed: 9);

    public ServingHost Host { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        (TinyMlp model, string path) = _files.TinyMlp(seed: 1);
        Tiny = new TinyMlp();
        Tiny.Load(path);
        Host = await ServingHost.StartAsync(services =>
        {
            services.AddInferenceModel<TinyMlp, TinyMlp.Workspace>("tiny", o =>
            {
                o.ModelPath = path;
                o.MaxBatchSize = MaxBatch;
            });
            services.AddInferenceModel<TinyConvNet, TinyConvNet.Workspace>("conv");
            services.AddInferenceModel<TinyRegressor, TinyRegressor.Workspace>("regressor", o => o.ModelPath = Save(Regressor, "regressor.safetensors"));
        }, server => server.MaxRequestBodyBytes = BodyLimit);
        Assert.Equal(model.Parameters, Tiny.Parameters);
    }

    private string Save(TinyRegressor model, string name)
    {
        string path = _files.PathOf(name);
        model.Save(path);
        return path;
    }

    public async Task DisposeAsync()
    {
        await Host.DisposeAsync();
        Dispose();
    }

    public void Dispose() => _files.Dispose();
}
