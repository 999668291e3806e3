using System.Buffers.Binary;
using System.Text;
using System.Text.Json;

namespace ModelGen.Data.Tests;

/// <summary>
/// A minimal safetensors reader written from the format's description, sharing no code with the
/// runtime, so the round-trip tests prove the files are readable by someone else's parser.
/// </summary>
internal static class IndependentSafeTensorsReader
{
    /// <summary>One tensor: <paramref name="Values"/> reads its bytes as float32, <see cref="Int64s"/> as int64; which is right depends on <paramref name="DType"/>.</summary>
    public sealed record Tensor(string DType, long[] Shape, long Begin, long End, float[] Values, byte[] Raw)
    {
        public long[] Int64s() => Enumerable.Range(0, Raw.Length / 8).Select(i => BinaryPrimitives.ReadInt64LittleEndian(Raw.AsSpan(8 * i))).ToArray();
    }

    public sealed record Content(long HeaderLength, string HeaderText, Dictionary<string, string> Metadata, Dictionary<string, Tensor> Tensors, long DataLength);

    public static Content Read(string path)
    {
        byte[] file = File.ReadAllBytes(path);
        long headerLength = (long)BinaryPrimitives.ReadUInt64LittleEndian(file);
        Assert.InRange(headerLength, 2, file.Length - 8);
        string headerText = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(file, 8, (int)headerLength);
        using JsonDocument document = JsonDocument.Parse(headerText);
        int dataStart = 8 + (int)headerLength;
        long dataLength = file.Length - dataStart;

        var metadata = new Dictionary<string, string>();
        var tensors = new Dictionary<string, Tensor>();
        foreach (JsonProperty property in document.RootElement.EnumerateObject())
        {
            if (property.Name == "__metadata__")
            {
                foreach (JsonProperty entry in property.Value.EnumerateObject()) metadata.Add(entry.Name, entry.Value.GetString()!);
                continue;
            }
            JsonElement tensor = property.Value;
            long[] shape = tensor.GetProperty("shape").EnumerateArray().Select(e => e.GetInt64()).ToArray();
            long[] offsets = tensor.GetProperty("data_offsets").EnumerateArray().Select(e => e.GetInt64()).ToArray();
            Assert.Equal(2, offsets.Length);
            Assert.InRange(offsets[1], offsets[0], dataLength);
            var values = new float[(offsets[1] - offsets[0]) / 4];
            for (int i = 0; i < values.Length; i++)
                values[i] = BinaryPrimitives.ReadSingleLittleEndian(file.AsSpan(dataStart + (int)offsets[0] + 4 * i, 4));
            byte[] raw = file.AsSpan(dataStart + (int)offsets[0], (int)(offsets[1] - offsets[0])).ToArray();
            tensors.Add(property.Name, new Tensor(tensor.GetProperty("dtype").GetString()!, shape, offsets[0], offsets[1], values, raw));
        }
        return new Content(headerLength, headerText, metadata, tensors, dataLength);
    }
}
