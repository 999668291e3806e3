using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;

namespace ModelGen.ReferenceTests;

/// <summary>
/// One tensor of a safetensors file: its shape and values, row-major. A float32 tensor has <see cref="Integers"/>
/// null; an int64 one (PyTorch's num_batches_tracked) has its values in <see cref="Integers"/>, and in
/// <see cref="Values"/> as floats for convenience.
/// </summary>
public sealed record NamedTensor(long[] Shape, float[] Values, long[]? Integers = null)
{
    /// <summary>An int64 tensor.</summary>
    public static NamedTensor OfInt64(long[] shape, long[] values) => new(shape, values.Select(v => (float)v).ToArray(), values);

    /// <summary>The safetensors dtype: "I64" for an int64 tensor, "F32" otherwise.</summary>
    public string DType => Integers is null ? "F32" : "I64";
}

/// <summary>
/// The safetensors format written and read from its specification alone (8-byte little-endian header
/// length, a JSON header of name → dtype, shape, data_offsets, then the raw data), independent of
/// ModelGen's own implementation, so the file interop tests check ModelGen against the format rather
/// than against itself. float32 and int64 (BatchNorm's num_batches_tracked, a scalar of shape []) only;
/// no metadata is written, as from a plain state_dict.
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
            if (tensor.Integers is { } integers) data.Write(MemoryMarshal.AsBytes(integers.AsSpan()));
            else data.Write(MemoryMarshal.AsBytes(tensor.Values.AsSpan()));
            header[name] = new { dtype = tensor.DType, shape = tensor.Shape, data_offsets = new[] { begin, data.Length } };
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

    /// <summary>Reads every tensor, by name (the metadata entry is skipped); each must be float32 or int64.</summary>
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
            string? dtype = entry.Value.GetProperty("dtype").GetString();
            Assert.True(dtype is "F32" or "I64", $"{entry.Name}: dtype {dtype}, expected F32 or I64.");
            long[] shape = entry.Value.GetProperty("shape").EnumerateArray().Select(d => d.GetInt64()).ToArray();
            long[] offsets = entry.Value.GetProperty("data_offsets").EnumerateArray().Select(d => d.GetInt64()).ToArray();
            ReadOnlySpan<byte> raw = bytes.AsSpan(dataStart + (int)offsets[0], (int)(offsets[1] - offsets[0]));
            NamedTensor tensor = dtype == "I64"
                ? NamedTensor.OfInt64(shape, MemoryMarshal.Cast<byte, long>(raw).ToArray())
                : new NamedTensor(shape, MemoryMarshal.Cast<byte, float>(raw).ToArray());
            Assert.Equal(shape.Aggregate(1L, (a, b) => a * b), tensor.Values.Length);
            tensors[entry.Name] = tensor;
        }
        return tensors;
    }
}
