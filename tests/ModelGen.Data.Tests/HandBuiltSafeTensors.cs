using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace ModelGen.Data.Tests;

/// <summary>
/// Safetensors files written by hand from the format's description, sharing no code with the runtime:
/// files as older ModelGen versions and PyTorch write them.
/// </summary>
internal static class HandBuiltSafeTensors
{
    /// <summary>One tensor's entry: its name, shape and values, in the order they go into the data section.</summary>
    public sealed record Entry(string Name, int[] Shape, float[] Values);

    /// <summary>
    /// One tensor's entry with its dtype written as given and its data as raw bytes, so that files with I64
    /// tensors (PyTorch's num_batches_tracked) and files whose dtype contradicts their data can be built.
    /// </summary>
    public sealed record RawEntry(string Name, string DType, int[] Shape, byte[] Data)
    {
        /// <summary>A float32 tensor, little-endian.</summary>
        public static RawEntry F32(string name, int[] shape, params float[] values)
        {
            var data = new byte[4 * values.Length];
            for (int i = 0; i < values.Length; i++) BinaryPrimitives.WriteSingleLittleEndian(data.AsSpan(4 * i), values[i]);
            return new RawEntry(name, "F32", shape, data);
        }

        /// <summary>An int64 tensor, little-endian; shape [] for a scalar, as torch.save of num_batches_tracked gives.</summary>
        public static RawEntry I64(string name, int[] shape, params long[] values)
        {
            var data = new byte[8 * values.Length];
            for (int i = 0; i < values.Length; i++) BinaryPrimitives.WriteInt64LittleEndian(data.AsSpan(8 * i), values[i]);
            return new RawEntry(name, "I64", shape, data);
        }
    }

    /// <summary>
    /// The file's bytes: the header JSON (with <paramref name="metadataJson"/> as __metadata__ unless null),
    /// spaces to 8-byte alignment as safetensors' Python writer does, then the values.
    /// </summary>
    public static byte[] Build(string? metadataJson, params Entry[] entries) =>
        Build(metadataJson, entries.Select(e => RawEntry.F32(e.Name, e.Shape, e.Values)).ToArray());

    /// <summary>The file's bytes for entries of any dtype, in the order given.</summary>
    public static byte[] Build(string? metadataJson, params RawEntry[] entries)
    {
        var json = new StringBuilder("{");
        if (metadataJson is not null) json.Append("\"__metadata__\":").Append(metadataJson);
        long begin = 0;
        foreach (RawEntry entry in entries)
        {
            if (json.Length > 1) json.Append(',');
            long end = begin + entry.Data.Length;
            json.Append(CultureInfo.InvariantCulture, $"\"{entry.Name}\":{{\"dtype\":\"{entry.DType}\",\"shape\":[{string.Join(",", entry.Shape)}],\"data_offsets\":[{begin},{end}]}}");
            begin = end;
        }
        json.Append('}');
        byte[] header = Encoding.UTF8.GetBytes(json.ToString().PadRight((json.Length + 7) / 8 * 8));

        var file = new byte[8 + header.Length + begin];
        BinaryPrimitives.WriteUInt64LittleEndian(file, (ulong)header.Length);
        header.CopyTo(file, 8);
        int at = 8 + header.Length;
        foreach (RawEntry entry in entries)
        {
            entry.Data.CopyTo(file, at);
            at += entry.Data.Length;
        }
        return file;
    }
}
