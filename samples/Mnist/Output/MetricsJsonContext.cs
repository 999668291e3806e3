using System.Text.Json.Serialization;
using ModelGen.Samples.Mnist.Training;

namespace ModelGen.Samples.Mnist.Output;

/// <summary>
/// metrics.json's serializer, generated at compile time: reflection-based System.Text.Json is disabled
/// under NativeAOT. Indented camel-case JSON; a diverged run (say, SGD with a huge learning rate) has NaN
/// losses, which are written as "NaN" rather than failing.
/// </summary>
[JsonSourceGenerationOptions(
    WriteIndented = true,
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals)]
[JsonSerializable(typeof(TrainingMetrics))]
[JsonSerializable(typeof(RunProgress))]
internal sealed partial class MetricsJsonContext : JsonSerializerContext;
