using System.Globalization;
using System.Text;

namespace ModelGen.Serving.Tests.Harness;

/// <summary>Inference request bodies, written out as a client would send them.</summary>
public static class Requests
{
    /// <summary>An FP32 request with flat data: <c>{"inputs":[{"name":"input","shape":[...],"datatype":"FP32","data":[...]}]}</c>.</summary>
    public static string Fp32(ReadOnlySpan<float> data, params long[] shape) =>
        Tensor("FP32", Numbers(data), shape);

    /// <summary>A request with the given datatype, data text and shape.</summary>
    public static string Tensor(string datatype, string data, long[] shape, string name = "input", string extra = "") =>
        $$"""{"inputs":[{"name":"{{name}}","shape":[{{string.Join(",", shape)}}],"datatype":"{{datatype}}","data":{{data}}}]{{extra}}}""";

    /// <summary>"[v0,v1,...]" with each float written so it reads back the same.</summary>
    public static string Numbers(ReadOnlySpan<float> values)
    {
        var text = new StringBuilder("[");
        for (int i = 0; i < values.Length; i++) text.Append(i == 0 ? "" : ",").Append(values[i].ToString("R", CultureInfo.InvariantCulture));
        return text.Append(']').ToString();
    }

    /// <summary>The values nested as rows of <paramref name="rowLength"/>: "[[..],[..]]".</summary>
    public static string Rows(ReadOnlySpan<float> values, int rowLength)
    {
        var text = new StringBuilder("[");
        for (int start = 0; start < values.Length; start += rowLength)
            text.Append(start == 0 ? "" : ",").Append(Numbers(values.Slice(start, rowLength)));
        return text.Append(']').ToString();
    }
}
