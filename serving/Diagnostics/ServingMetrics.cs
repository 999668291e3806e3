using System.Diagnostics.Metrics;

namespace ModelGen.Serving;

/// <summary>
/// The server's metrics, as System.Diagnostics.Metrics instruments on the meter <see cref="MeterName"/>: any
/// listener reads them (OpenTelemetry's Prometheus exporter in the sample, a MeterListener in the tests).
/// Recording allocates nothing: tags are cached strings and boxed status codes.
/// </summary>
public sealed class ServingMetrics
{
    /// <summary>The meter's name, for <c>AddMeter</c>.</summary>
    public const string MeterName = "ModelGen.Serving";

    /// <summary>Inference requests answered, tagged with the model and the HTTP status.</summary>
    public const string RequestsName = "modelgen.serving.requests";

    /// <summary>Seconds from a request's arrival at the endpoint to its answer being written, tagged with the model.</summary>
    public const string DurationName = "modelgen.serving.request.duration";

    /// <summary>Samples per inference request that ran, tagged with the model.</summary>
    public const string BatchSizeName = "modelgen.serving.batch.size";

    /// <summary>Model files loaded or refused, tagged with the model and the outcome ("loaded" or "refused").</summary>
    public const string LoadsName = "modelgen.serving.model.loads";

    private static readonly object[] s_statusCodes = Enumerable.Range(0, 600).Select(code => (object)code).ToArray();

    private readonly Counter<long> _requests;
    private readonly Histogram<double> _duration;
    private readonly Histogram<int> _batchSize;
    private readonly Counter<long> _loads;

    /// <summary>Creates the instruments on a meter from <paramref name="meterFactory"/> (the host's, so it ends with the host).</summary>
    public ServingMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        Meter meter = meterFactory.Create(MeterName);
        _requests = meter.CreateCounter<long>(RequestsName, "{request}", "Inference requests answered.");
        // Buckets from 100 µs (an MLP sample's whole request on loopback) to 2.5 s.
        _duration = meter.CreateHistogram(DurationName, "s", "Time to answer an inference request.", tags: null,
            new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5] });
        _batchSize = meter.CreateHistogram(BatchSizeName, "{sample}", "Samples per inference request.", tags: null,
            new InstrumentAdvice<int> { HistogramBucketBoundaries = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024] });
        _loads = meter.CreateCounter<long>(LoadsName, "{load}", "Model files loaded or refused.");
    }

    internal void RequestAnswered(string model, int statusCode, double seconds)
    {
        object status = (uint)statusCode < s_statusCodes.Length ? s_statusCodes[statusCode] : statusCode;
        _requests.Add(1, new KeyValuePair<string, object?>("model", model), new KeyValuePair<string, object?>("http.response.status_code", status));
        _duration.Record(seconds, new KeyValuePair<string, object?>("model", model));
    }

    internal void BatchRan(string model, int samples) => _batchSize.Record(samples, new KeyValuePair<string, object?>("model", model));

    internal void ModelLoaded(string model, bool accepted) =>
        _loads.Add(1, new KeyValuePair<string, object?>("model", model), new KeyValuePair<string, object?>("outcome", accepted ? "loaded" : "refused"));
}
