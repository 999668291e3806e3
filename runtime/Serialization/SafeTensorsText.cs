using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;

namespace ModelGen.Serialization;

/// <summary>
/// Renders values from a (possibly hostile) file header for one-line error messages: control
/// characters are escaped and long text is shortened, so a message stays one readable line.
/// </summary>
internal static class SafeTensorsText
{
    private const int MaxShown = 80;

    /// <summary>Text from the file, safe to show.</summary>
    public static string Show(string text)
    {
        var builder = new StringBuilder(Math.Min(text.Length, MaxShown + 3));
        foreach (char c in text)
        {
            if (builder.Length >= MaxShown) return builder.Append("...").ToString();
            if (char.IsControl(c)) builder.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
            else builder.Append(c);
        }
        return builder.ToString();
    }

    /// <summary>A JSON value as it appears in the file, safe to show.</summary>
    public static string ShowJson(JsonElement value)
    {
        // Only the start of the raw bytes is decoded, so a huge value costs nothing to describe.
        ReadOnlySpan<byte> raw = JsonMarshal.GetRawUtf8Value(value);
        string text = Encoding.UTF8.GetString(raw[..Math.Min(raw.Length, 4 * MaxShown)]);
        return raw.Length > 4 * MaxShown ? Show(text + "...") : Show(text);
    }

    /// <summary>What kind of JSON value this is, for "X is an array, not an object".</summary>
    public static string Kind(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        _ => "null",
    };

    /// <summary>A shape or index as "[784, 128]".</summary>
    public static string List(IEnumerable<long> values) => "[" + string.Join(", ", values.Select(v => v.ToString(CultureInfo.InvariantCulture))) + "]";

    /// <summary>The position of element <paramref name="flat"/> of a row-major tensor, e.g. "[3, 17]".</summary>
    public static string Index(long flat, IReadOnlyList<int> shape)
    {
        var index = new long[shape.Count];
        for (int d = shape.Count - 1; d >= 0; d--)
        {
            index[d] = flat % shape[d];
            flat /= shape[d];
        }
        return List(index);
    }
}
