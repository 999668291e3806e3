namespace ModelGen.Serving.Tests.Harness;

/// <summary>
/// A backend whose Run waits until the test lets it go (a request that holds its inference slot, or stays in flight
/// across a swap), then answers <paramref name="answer"/> for every output.
/// </summary>
public sealed class BlockingBackend(float answer = 0) : IInferenceBackend, IDisposable
{
    private readonly SemaphoreSlim _release = new(0);
    private readonly SemaphoreSlim _entered = new(0);

    public TensorShape InputShape => TensorShape.Flat(2);
    public int OutputSize => 2;
    public bool IsClassifier => true;
    public string Platform => "test";
    public string Description => "blocks until released";

    public void Run(ReadOnlySpan<float> inputs, Span<float> outputs)
    {
        _entered.Release();
        _release.Wait(TimeSpan.FromSeconds(30));
        outputs.Fill(answer);
    }

    /// <summary>Waits until a request is inside Run.</summary>
    public Task<bool> EnteredAsync() => _entered.WaitAsync(TimeSpan.FromSeconds(10));

    /// <summary>Lets one Run finish.</summary>
    public void Release() => _release.Release();

    public void Dispose()
    {
        _release.Dispose();
        _entered.Dispose();
    }
}
