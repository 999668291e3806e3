using System.Globalization;
using System.Text.Json;
using ModelGen.Serialization;

namespace ModelGen.Training;

/// <summary>
/// A training history as the JSON a checkpoint keeps it in: an array of objects, one per epoch, with every number
/// written as "R" text so that it reads back to the same bits (and NaN, which JSON numbers cannot be, survives).
/// Written and read by hand, with no reflection, so that it works under NativeAOT and trimming.
/// </summary>
internal static class HistoryJson
{
    public static string Write(IReadOnlyList<EpochRecord> history)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartArray();
            foreach (EpochRecord e in history)
            {
                writer.WriteStartObject();
                writer.WriteNumber("epoch", e.Epoch);
                writer.WriteString("loss", Text(e.Loss));
                writer.WriteString("accuracy", Text(e.Accuracy));
                if (e.ValidationLoss is { } validationLoss) writer.WriteString("validation_loss", Text(validationLoss));
                if (e.ValidationAccuracy is { } validationAccuracy) writer.WriteString("validation_accuracy", Text(validationAccuracy));
                writer.WriteString("seconds", Text(e.Seconds));
                writer.WriteString("validation_seconds", Text(e.ValidationSeconds));
                writer.WriteString("learning_rate", Text(e.LearningRate));
                writer.WriteEndObject();
            }
            writer.WriteEndArray();
        }
        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }

    public static List<EpochRecord> Read(CheckpointFile file, string json, string key)
    {
        try
        {
            using JsonDocument document = JsonDocument.Parse(json);
            var history = new List<EpochRecord>();
            foreach (JsonElement e in document.RootElement.EnumerateArray())
            {
                history.Add(new EpochRecord(e.GetProperty("epoch").GetInt32(), Number(e, "loss"), Number(e, "accuracy"),
                    e.TryGetProperty("validation_loss", out _) ? Number(e, "validation_loss") : null,
                    e.TryGetProperty("validation_accuracy", out _) ? Number(e, "validation_accuracy") : null,
                    Number(e, "seconds"), Number(e, "validation_seconds"), Number(e, "learning_rate")));
            }
            return history;
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or KeyNotFoundException or FormatException)
        {
            throw file.Refuse($"its '{key}' entry is not a training history");
        }
    }

    private static string Text(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    private static double Number(JsonElement e, string name) =>
        double.Parse(e.GetProperty(name).GetString()!, NumberStyles.Float, CultureInfo.InvariantCulture);
}
