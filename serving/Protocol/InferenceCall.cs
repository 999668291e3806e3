using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace ModelGen.Serving.Protocol;

/// <summary>
/// One inference request from its body's bytes to its answer's: read, check against the model version, read the
/// data into a pooled float buffer, run, write the answer. Synchronous and allocation-free for a valid request
/// once the pools are warm (the tests count the bytes); the endpoint does the waiting around it.
/// </summary>
internal static class InferenceCall
{
    [ThreadStatic] private static Utf8JsonWriter? t_writer;

    // Where an idle writer points, so it holds no request's buffer. Not a Stream: Reset(Stream) after
    // Reset(IBufferWriter) makes a new buffer writer each time.
    private static readonly ArrayBufferWriter<byte> s_nowhere = new(1);

    /// <summary>Answers <paramref name="body"/> with <paramref name="version"/> into <paramref name="answer"/>; returns the batch size.</summary>
    /// <exception cref="ProtocolException">The request is malformed or does not fit the model.</exception>
    public static int Execute(ReadOnlySpan<byte> body, ModelVersion version, IBufferWriter<byte> answer)
    {
        InferRequest request = InferRequestReader.Read(body);
        ModelSignature model = version.Signature;
        InferInput input = InferRequestValidator.Validate(body, request, model);
        // Each value takes at least two bytes ("0,"): a shorter "data" cannot fill the shape, and is refused before
        // buffers the size of the shape are rented (a huge shape with little data must not cost memory).
        ReadOnlySpan<byte> data = body.Slice(request.DataStart, request.DataLength);
        if (data[0] != (byte)'[') throw ProtocolException.BadRequest("\"data\" must be an array of numbers");
        long values = (long)input.BatchSize * model.InputSize;
        if (values > (data.Length + 1L) / 2)
            throw ProtocolException.BadRequest($"\"data\" is {data.Length} bytes, too short for the {values} values its shape needs");
        int inputCount = (int)values, outputCount = checked(input.BatchSize * model.OutputSize);
        float[] inputs = ArrayPool<float>.Shared.Rent(inputCount);
        float[] outputs = ArrayPool<float>.Shared.Rent(outputCount);
        try
        {
            TensorDataReader.Read(data, input.Datatype, request.Shape[..request.Rank],
                model.Uint8Values, inputs.AsSpan(0, inputCount));
            version.Backend.Run(inputs.AsSpan(0, inputCount), outputs.AsSpan(0, outputCount));
            Utf8JsonWriter writer = t_writer ??= new Utf8JsonWriter(s_nowhere, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
            writer.Reset(answer);
            try
            {
                InferResponseWriter.Write(writer, body, request, input, model, version.Label, outputs.AsSpan(0, outputCount));
                writer.Flush();
            }
            finally
            {
                writer.Reset(s_nowhere);
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(inputs);
            ArrayPool<float>.Shared.Return(outputs);
        }
        return input.BatchSize;
    }
}
