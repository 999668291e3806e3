using Microsoft.Extensions.Options;

namespace ModelGen.Serving.Http;

/// <summary>
/// Lets at most <see cref="InferenceServerOptions.MaxConcurrentInferences"/> requests compute at once, across all
/// models; the others wait their turn (without a thread) up to the queue timeout.
/// </summary>
internal sealed class InferenceGate(IOptions<InferenceServerOptions> options) : IDisposable
{
    private readonly SemaphoreSlim _slots = new(options.Value.MaxConcurrentInferences, options.Value.MaxConcurrentInferences);

    /// <summary>Waits for a slot; false if none came free within the queue timeout.</summary>
    public Task<bool> EnterAsync(CancellationToken cancellationToken) => _slots.WaitAsync(options.Value.QueueTimeout, cancellationToken);

    public void Exit() => _slots.Release();

    public void Dispose() => _slots.Dispose();
}
