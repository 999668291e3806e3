using System.Text.Json;

namespace ModelGen.Serving.Protocol;

/// <summary>
/// Where a JSON string lies in the request body (quotes included), so a name is compared to the model's without
/// making a string of it; one is made only for an error message or an escaped value.
/// </summary>
internal readonly struct JsonString
{
    private readonly int _start;  // the opening quote
    private readonly int _length; // 0: absent
    private readonly bool _escaped;

    private JsonString(int start, int length, bool escaped)
    {
        _start = start;
        _length = length;
        _escaped = escaped;
    }

    /// <summary>The string token <paramref name="reader"/> is on.</summary>
    public static JsonString At(ref Utf8JsonReader reader) =>
        new((int)reader.TokenStartIndex, reader.ValueSpan.Length + 2, reader.ValueIsEscaped);

    public bool IsPresent => _length > 0;

    /// <summary>Whether the string is exactly <paramref name="utf8"/>.</summary>
    public bool Equals(ReadOnlySpan<byte> body, ReadOnlySpan<byte> utf8) =>
        IsPresent && (_escaped ? ToString(body) == System.Text.Encoding.UTF8.GetString(utf8) : body.Slice(_start + 1, _length - 2).SequenceEqual(utf8));

    /// <summary>The string's value, escapes resolved.</summary>
    public string ToString(ReadOnlySpan<byte> body)
    {
        if (!IsPresent) return "";
        var reader = new Utf8JsonReader(body.Slice(_start, _length));
        reader.Read();
        return reader.GetString() ?? "";
    }

    /// <summary>The raw bytes between the quotes, for writing back when unescaped.</summary>
    public ReadOnlySpan<byte> RawValue(ReadOnlySpan<byte> body) => body.Slice(_start + 1, _length - 2);

    public bool IsEscaped => _escaped;
}
