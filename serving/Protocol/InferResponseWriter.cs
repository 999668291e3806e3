using System.Text.Json;

namespace ModelGen.Serving.Protocol;

/// <summary>
/// Writes the protocol's <c>$inference_response</c>: model name and version, the request's id, and each output
/// tensor with name, datatype, shape and flat row-major data. Floats are written in their shortest form that
/// reads back as the same float, so a client gets exactly what the model computed.
/// </summary>
internal static class InferResponseWriter
{
    public static void Write(Utf8JsonWriter writer, ReadOnlySpan<byte> body, in InferRequest request, InferInput input,
        ModelSignature model, string version, ReadOnlySpan<float> outputs)
    {
        writer.WriteStartObject();
        writer.WriteString("model_name"u8, model.ModelName);
        writer.WriteString("model_version"u8, version);
        if (request.Id.IsPresent)
        {
            if (request.Id.IsEscaped) writer.WriteString("id"u8, request.Id.ToString(body));
            else writer.WriteString("id"u8, request.Id.RawValue(body));
        }
        writer.WriteStartArray("outputs"u8);
        WriteOutput(writer, input.Outputs.First, input.BatchSize, model, outputs);
        WriteOutput(writer, input.Outputs.Second, input.BatchSize, model, outputs);
        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    private static void WriteOutput(Utf8JsonWriter writer, OutputKind kind, int batch, ModelSignature model, ReadOnlySpan<float> outputs)
    {
        if (kind == OutputKind.None) return;
        int size = model.OutputSize;
        writer.WriteStartObject();
        if (kind == OutputKind.Values)
        {
            writer.WriteString("name"u8, model.OutputNameUtf8);
            writer.WriteString("datatype"u8, "FP32"u8);
            writer.WriteStartArray("shape"u8);
            writer.WriteNumberValue(batch);
            writer.WriteNumberValue(size);
            writer.WriteEndArray();
            writer.WriteStartArray("data"u8);
            foreach (float value in outputs[..(batch * size)]) writer.WriteNumberValue(value);
            writer.WriteEndArray();
        }
        else
        {
            writer.WriteString("name"u8, model.ClassOutputNameUtf8);
            writer.WriteString("datatype"u8, "INT64"u8);
            writer.WriteStartArray("shape"u8);
            writer.WriteNumberValue(batch);
            writer.WriteEndArray();
            writer.WriteStartArray("data"u8);
            for (int s = 0; s < batch; s++) writer.WriteNumberValue(Batch.ArgMax(outputs.Slice(s * size, size)));
            writer.WriteEndArray();
        }
        writer.WriteEndObject();
    }
}
