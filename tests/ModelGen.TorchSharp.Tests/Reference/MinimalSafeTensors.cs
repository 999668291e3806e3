using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;

namespace ModelGen.ReferenceTests;

/// <summary>One float32 tensor of a safetensors file: its shape and values, row-major.</summary>
public sealed record NamedTensor(long[] Shape, float[] Values);

/// <summary>
/// The safetensors format written and read from its specification alone (8-byte little-endian header
/// length, a JSON header of name → dtype, shape, data_offsets, then the raw data), independent of
/// ModelGen's own implementation, so the file interop tests check ModelGen against the format rather
/// than against itself. float32 only; no metadata is written, as from a plain state_dict.
/// </summary>
public static class MinimalSafeTensors
{
    /// <summary>Writes <paramref name="tensors"/> in the given order.</summary>
    public static void Write(string path, IEnumerable<(string Name, NamedTensor Tensor)> tensors)
    {
        var header = new Dictionary<string, object>();
        var data = new MemoryStream();
        foreach ((string name, NamedTensor tensor) in tensors)
        {
            long begin = data.Length;
            data.Write(MemoryMarshal.AsBytes(tensor.Values.AsSpan()));
            header[name] = new { dtype = "F32", shape = tensor.Shape, data_offsets = new[] { begin, data.Length } };
        }
        byte[] json = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(header));
        // The format allows space padding; align the data to 8 bytes as the reference writer does.
        int padded = (json.Length + 7) / 8 * 8;
        using var file = File.Create(path);
        Span<byte> length = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)padded);
        file.Write(length);
        file.Write(json);
        for (int i = json.Length; i < padded; i++) file.WriteByte((byte)' ');
        data.Position = 0;
        data.CopyTo(file);
    }

    /// <summary>Reads every float32 tensor, by name (the metadata entry is skipped).</summary>
    public static Dictionary<string, NamedTensor> Read(string path)
    {
        byte[] bytes = File.ReadAllBytes(path);
        int headerLength = checked((int)BinaryPrimitives.ReadUInt64LittleEndian(bytes));
        using JsonDocument header = JsonDocument.Parse(bytes.AsMemory(8, headerLength));
        int dataStart = 8 + headerLength;
        var tensors = new Dictionary<string, NamedTensor>();
        foreach (JsonProperty entry in header.RootElement.EnumerateObject())
        {
            if (entry.Name == "__metadata__") continue;
            Assert.Equal("F32", entry.Value.GetProperty("dtype").GetString());
            long[] shape = entry.Value.GetProperty("shape").EnumerateArray().Select(d => d.GetInt64()).ToArray();
            long[] offsets = entry.Value.GetProperty("data_offsets").EnumerateArray().Select(d => d.GetInt64()).ToArray();
            float[] values = MemoryMarshal.Cast<byte, float>(bytes.AsSpan(dataStart + (int)offsets[0], (int)(offsets[1] - offsets[0]))).ToArray();
            Assert.Equal(shape.Aggregate(1L, (a, b) => a * b), values.Length);
            tensors[entry.Name] = new NamedTensor(shape, values);
        }
        return tensors;
    }
}
