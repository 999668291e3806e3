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
    /// The file's bytes: the header JSON (with <paramref name="metadataJson"/> as __metadata__ unless null),
    /// spaces to 8-byte alignment as safetensors' Python writer does, then the values.
    /// </summary>
    public static byte[] Build(string? metadataJson, params Entry[] entries)
    {
        var json = new StringBuilder("{");
        if (metadataJson is not null) json.Append("\"__metadata__\":").Append(metadataJson);
        long begin = 0;
        foreach (Entry entry in entries)
        {
            if (json.Length > 1) json.Append(',');
            long end = begin + 4L * entry.Values.Length;
            json.Append(CultureInfo.InvariantCulture, $"\"{entry.Name}\":{{\"dtype\":\"F32\",\"shape\":[{string.Join(",", entry.Shape)}],\"data_offsets\":[{begin},{end}]}}");
            begin = end;
        }
        json.Append('}');
        byte[] header = Encoding.UTF8.GetBytes(json.ToString().PadRight((json.Length + 7) / 8 * 8));

        var file = new byte[8 + header.Length + begin];
        BinaryPrimitives.WriteUInt64LittleEndian(file, (ulong)header.Length);
        header.CopyTo(file, 8);
        int at = 8 + header.Length;
        foreach (Entry entry in entries)
            foreach (float value in entry.Values)
            {
                BinaryPrimitives.WriteSingleLittleEndian(file.AsSpan(at), value);
                at += 4;
            }
        return file;
    }
}
