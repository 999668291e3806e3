using System.Text.Json;

namespace ModelGen.Serving.Protocol;

/// <summary>
/// Reads the JSON of an inference request (the protocol's <c>$inference_request</c>) into an
/// <see cref="InferRequest"/>: its structure only; the input's data is read later, once its datatype and shape
/// are known, since the protocol lets "data" come before them. Every mistake is a 400 naming what is wrong.
/// </summary>
internal static class InferRequestReader
{
    private static readonly JsonReaderOptions s_options = new() { MaxDepth = 64, CommentHandling = JsonCommentHandling.Disallow };

    public static InferRequest Read(ReadOnlySpan<byte> body)
    {
        InferRequest request = InferRequest.Empty();
        if (body.Trim(" \t\r\n"u8).IsEmpty) throw Bad("the body is empty; send a JSON object with \"inputs\"");
        var reader = new Utf8JsonReader(body, s_options);
        try
        {
            reader.Read();
            if (reader.TokenType != JsonTokenType.StartObject) throw Bad("the body must be a JSON object with \"inputs\"");
            while (NextProperty(ref reader))
            {
                if (reader.ValueTextEquals("id"u8))
                {
                    Expect(ref reader, JsonTokenType.String, "\"id\" must be a string");
                    request.Id = JsonString.At(ref reader);
                }
                else if (reader.ValueTextEquals("inputs"u8)) ReadInputs(ref reader, ref request);
                else if (reader.ValueTextEquals("outputs"u8)) ReadOutputs(ref reader, ref request);
                else if (reader.ValueTextEquals("parameters"u8)) SkipObject(ref reader, "the request's \"parameters\" must be an object");
                else SkipValue(ref reader); // members of later protocol versions or extensions: ignored, as Triton does
            }
            if (reader.Read()) throw Bad("the body goes on after its JSON object");
        }
        catch (JsonException e)
        {
            throw Bad("malformed JSON: " + e.Message);
        }
        return request;
    }

    private static void ReadInputs(ref Utf8JsonReader reader, ref InferRequest request)
    {
        Expect(ref reader, JsonTokenType.StartArray, "\"inputs\" must be an array of tensors");
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType != JsonTokenType.StartObject) throw Bad("each element of \"inputs\" must be an object with \"name\", \"shape\", \"datatype\" and \"data\"");
            if (++request.InputCount == 1) ReadInput(ref reader, ref request);
            else reader.Skip();
        }
    }

    private static void ReadInput(ref Utf8JsonReader reader, ref InferRequest request)
    {
        while (NextProperty(ref reader))
        {
            if (reader.ValueTextEquals("name"u8))
            {
                Expect(ref reader, JsonTokenType.String, "the input's \"name\" must be a string");
                request.InputName = JsonString.At(ref reader);
            }
            else if (reader.ValueTextEquals("datatype"u8))
            {
                Expect(ref reader, JsonTokenType.String, "the input's \"datatype\" must be a string such as \"FP32\"");
                request.Datatype = JsonString.At(ref reader);
            }
            else if (reader.ValueTextEquals("shape"u8)) ReadShape(ref reader, ref request);
            else if (reader.ValueTextEquals("data"u8))
            {
                reader.Read();
                request.DataStart = (int)reader.TokenStartIndex;
                reader.Skip();
                request.DataLength = (int)reader.BytesConsumed - request.DataStart;
            }
            else if (reader.ValueTextEquals("parameters"u8)) ReadInputParameters(ref reader);
            else SkipValue(ref reader);
        }
    }

    private static void ReadShape(ref Utf8JsonReader reader, ref InferRequest request)
    {
        Expect(ref reader, JsonTokenType.StartArray, "the input's \"shape\" must be an array of whole numbers");
        int rank = 0;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType != JsonTokenType.Number || !reader.TryGetInt64(out long dim))
                throw Bad("the input's \"shape\" must hold whole numbers only");
            if (rank == InferRequest.MaxRank) throw Bad($"the input's \"shape\" has more than {InferRequest.MaxRank} dimensions");
            request.Shape[rank++] = dim;
        }
        request.Rank = rank;
    }

    // Triton's binary tensor extension announces its bytes here; they would follow the JSON, which this server does not read.
    private static void ReadInputParameters(ref Utf8JsonReader reader)
    {
        Expect(ref reader, JsonTokenType.StartObject, "the input's \"parameters\" must be an object");
        while (NextProperty(ref reader))
        {
            if (reader.ValueTextEquals("binary_data_size"u8))
                throw Bad("binary tensor data is not supported: send the input's \"data\" as JSON (in Triton's client: binary_data=False)");
            SkipValue(ref reader);
        }
    }

    private static void ReadOutputs(ref Utf8JsonReader reader, ref InferRequest request)
    {
        Expect(ref reader, JsonTokenType.StartArray, "\"outputs\" must be an array of objects with a \"name\"");
        request.OutputCount = 0;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType != JsonTokenType.StartObject) throw Bad("each element of \"outputs\" must be an object with a \"name\"");
            JsonString name = default;
            while (NextProperty(ref reader))
            {
                if (reader.ValueTextEquals("name"u8))
                {
                    Expect(ref reader, JsonTokenType.String, "an output's \"name\" must be a string");
                    name = JsonString.At(ref reader);
                }
                else SkipValue(ref reader); // "parameters" such as binary_data: the answer is JSON either way
            }
            if (!name.IsPresent) throw Bad("an element of \"outputs\" has no \"name\"");
            if (request.OutputCount == InferRequest.MaxOutputs) throw Bad($"\"outputs\" names more than {InferRequest.MaxOutputs} tensors");
            request.Outputs[request.OutputCount++] = name;
        }
    }

    // On a property name: true; at the object's end: false.
    private static bool NextProperty(ref Utf8JsonReader reader)
    {
        reader.Read();
        return reader.TokenType == JsonTokenType.PropertyName;
    }

    private static void Expect(ref Utf8JsonReader reader, JsonTokenType type, string message)
    {
        reader.Read();
        if (reader.TokenType != type) throw Bad(message);
    }

    private static void SkipObject(ref Utf8JsonReader reader, string message)
    {
        Expect(ref reader, JsonTokenType.StartObject, message);
        reader.Skip();
    }

    private static void SkipValue(ref Utf8JsonReader reader)
    {
        reader.Read();
        reader.Skip();
    }

    private static ProtocolException Bad(string message) => ProtocolException.BadRequest(message);
}
