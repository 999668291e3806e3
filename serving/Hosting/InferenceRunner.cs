using ModelGen.Serving.Http;

namespace ModelGen.Serving;

/// <summary>
/// Runs samples on a served model from an app's own endpoint (the sample's POST /predict of an image file), under
/// the same concurrency limit and on the same current version as the protocol's requests.
/// </summary>
public sealed class InferenceRunner
{
    private readonly InferenceGate _gate;

    internal InferenceRunner(InferenceGate gate) => _gate = gate;

    /// <summary>
    /// Runs <paramref name="inputs"/>, [n, InputSize], on <paramref name="model"/>'s current version into
    /// <paramref name="outputs"/>, [n, OutputSize], once an inference slot is free; returns the version that ran.
    /// </summary>
    /// <exception cref="TimeoutException">No slot came free within the queue timeout.</exception>
    /// <exception cref="InvalidOperationException">The model is not loaded yet.</exception>
    public async Task<ModelVersion> RunAsync(ServedModel model, ReadOnlyMemory<float> inputs, Memory<float> outputs, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (!await _gate.EnterAsync(cancellationToken).ConfigureAwait(false))
            throw new TimeoutException("the server is busy: no inference slot came free in time; try again");
        try
        {
            ModelVersion version = model.Current ?? throw new InvalidOperationException($"model '{model.Name}' is not loaded yet");
            version.Backend.Run(inputs.Span, outputs.Span);
            return version;
        }
        finally
        {
            _gate.Exit();
        }
    }
}
