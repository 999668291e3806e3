using System.Text.Json;

namespace ModelGen.Serving.Protocol;

/// <summary>
/// Reads an input's "data" into floats: flat (row-major, as the protocol's examples send it) or nested to match the
/// shape exactly (as a client that serialises a multi-dimensional array sends it). FP32 values must be finite;
/// UINT8 values whole numbers 0..255, each taken as the model's float for it (b / 255 by default). Each mistake names the element.
/// </summary>
internal static class TensorDataReader
{
    public static void Read(ReadOnlySpan<byte> data, TensorDatatype datatype, ReadOnlySpan<long> shape, ReadOnlySpan<float> uint8Values, Span<float> destination)
    {
        var reader = new Utf8JsonReader(data);
        try
        {
            reader.Read();
            if (reader.TokenType != JsonTokenType.StartArray) throw Bad("\"data\" must be an array of numbers");
            reader.Read();
            bool nested = reader.TokenType == JsonTokenType.StartArray;
            int count = nested
                ? ReadNested(ref reader, datatype, shape, uint8Values, destination)
                : ReadFlat(ref reader, datatype, shape, uint8Values, destination);
            if (count != destination.Length)
                throw Bad($"\"data\" holds {count} values but shape [{string.Join(", ", shape.ToArray())}] needs {destination.Length}");
        }
        catch (JsonException e)
        {
            throw Bad("malformed JSON in \"data\": " + e.Message);
        }
    }

    // On the first element after '[': numbers up to the matching ']'.
    private static int ReadFlat(ref Utf8JsonReader reader, TensorDatatype datatype, ReadOnlySpan<long> shape, ReadOnlySpan<float> uint8Values, Span<float> destination)
    {
        int count = 0;
        for (; reader.TokenType != JsonTokenType.EndArray; reader.Read())
        {
            if (reader.TokenType == JsonTokenType.StartArray) throw Bad("\"data\" mixes numbers and arrays; send it flat or nested as the shape throughout");
            if (count == destination.Length) throw Bad($"\"data\" holds more values than shape [{string.Join(", ", shape.ToArray())}] needs ({destination.Length})");
            destination[count] = Value(ref reader, datatype, uint8Values, count);
            count++;
        }
        return count;
    }

    // On the first inner '[': arrays nested as deep as the shape, each as long as its dimension, numbers only in the innermost.
    private static int ReadNested(ref Utf8JsonReader reader, TensorDatatype datatype, ReadOnlySpan<long> shape, ReadOnlySpan<float> uint8Values, Span<float> destination)
    {
        int rank = shape.Length;
        if (rank < 2) throw Bad($"\"data\" is nested deeper than its shape's {rank} dimension");
        Span<long> lengths = stackalloc long[rank]; // elements so far of the open array at each depth
        lengths.Clear();
        lengths[0] = 1; // the outer array holds the inner one the reader is on
        int depth = 2;  // arrays open
        int count = 0;
        while (depth > 0)
        {
            reader.Read();
            switch (reader.TokenType)
            {
                case JsonTokenType.StartArray:
                    if (depth == rank) throw Bad($"\"data\" is nested deeper than its shape's {rank} dimensions");
                    lengths[depth - 1]++;
                    lengths[depth++] = 0;
                    break;
                case JsonTokenType.EndArray:
                    CheckLength(lengths[depth - 1], shape, depth - 1);
                    depth--;
                    break;
                default:
                    if (depth != rank) throw Bad($"\"data\" has a value at depth {depth} where its shape puts them at depth {rank}; send it flat or nested as the shape throughout");
                    if (count == destination.Length) throw Bad($"\"data\" holds more values than its shape needs ({destination.Length})");
                    destination[count] = Value(ref reader, datatype, uint8Values, count);
                    count++;
                    lengths[depth - 1]++;
                    break;
            }
        }
        return count;
    }

    private static void CheckLength(long length, ReadOnlySpan<long> shape, int depth)
    {
        if (length != shape[depth])
            throw Bad($"\"data\" has {length} elements at depth {depth + 1} where shape [{string.Join(", ", shape.ToArray())}] says {shape[depth]}");
    }

    private static float Value(ref Utf8JsonReader reader, TensorDatatype datatype, ReadOnlySpan<float> uint8Values, int index)
    {
        if (reader.TokenType != JsonTokenType.Number)
            throw Bad($"\"data\" element {index} is {Describe(reader.TokenType)}; {(datatype == TensorDatatype.Uint8 ? "UINT8 data must be whole numbers 0..255" : "FP32 data must be numbers")}");
        if (datatype == TensorDatatype.Uint8)
        {
            if (!reader.TryGetByte(out byte b)) throw Bad($"\"data\" element {index} is {Text(ref reader)}; UINT8 data must be whole numbers 0..255");
            return uint8Values[b];
        }
        if (!reader.TryGetSingle(out float value) || !float.IsFinite(value))
            throw Bad($"\"data\" element {index} is {Text(ref reader)}, which is not a finite FP32 value");
        return value;
    }

    private static string Describe(JsonTokenType type) => type switch
    {
        JsonTokenType.String => "a string",
        JsonTokenType.True or JsonTokenType.False => "a boolean",
        JsonTokenType.Null => "null",
        JsonTokenType.StartObject => "an object",
        _ => type.ToString(),
    };

    private static string Text(ref Utf8JsonReader reader) => System.Text.Encoding.UTF8.GetString(reader.ValueSpan);

    private static ProtocolException Bad(string message) => ProtocolException.BadRequest(message);
}
