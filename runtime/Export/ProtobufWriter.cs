using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;

namespace ModelGen.Export;

/// <summary>
/// The few pieces of the protobuf wire format an ONNX file needs, so the runtime takes no protobuf
/// package: varints, int64 and float scalar fields, length-delimited fields (strings, bytes, embedded
/// messages) and packed float data. A message is built into its own buffer; an embedded message is
/// written as a length-delimited field holding that buffer, which is how protobuf nests.
/// </summary>
/// <remarks>Fields are written in the order the caller writes them; protobuf readers accept any order.</remarks>
internal sealed class ProtobufWriter
{
    // Wire types (the low three bits of a field key).
    private const int Varint = 0;
    private const int Fixed32 = 5;
    private const int LengthDelimited = 2;

    private readonly ArrayBufferWriter<byte> _buffer = new();

    /// <summary>The encoded message so far.</summary>
    public ReadOnlySpan<byte> WrittenSpan => _buffer.WrittenSpan;

    /// <summary>An int64/int32/enum field. Negative values take ten bytes, as protobuf's int64 encoding requires.</summary>
    public void WriteInt64(int field, long value)
    {
        WriteKey(field, Varint);
        WriteVarint(unchecked((ulong)value));
    }

    /// <summary>A float field (wire type fixed32, little-endian IEEE 754).</summary>
    public void WriteFloat(int field, float value)
    {
        WriteKey(field, Fixed32);
        BinaryPrimitives.WriteSingleLittleEndian(_buffer.GetSpan(4), value);
        _buffer.Advance(4);
    }

    /// <summary>A string field, UTF-8.</summary>
    public void WriteString(int field, string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        int length = Encoding.UTF8.GetByteCount(value);
        WriteKey(field, LengthDelimited);
        WriteVarint((ulong)length);
        Encoding.UTF8.GetBytes(value, _buffer.GetSpan(length));
        _buffer.Advance(length);
    }

    /// <summary>A bytes field, or an embedded message already encoded into <paramref name="value"/>.</summary>
    public void WriteBytes(int field, ReadOnlySpan<byte> value)
    {
        WriteKey(field, LengthDelimited);
        WriteVarint((ulong)value.Length);
        _buffer.Write(value);
    }

    /// <summary>An embedded message.</summary>
    public void WriteMessage(int field, ProtobufWriter message)
    {
        ArgumentNullException.ThrowIfNull(message);
        WriteBytes(field, message.WrittenSpan);
    }

    /// <summary>
    /// Float values as one length-delimited field of little-endian float32s: a bytes field such as
    /// TensorProto.raw_data, or a packed repeated float field, which has the same encoding.
    /// </summary>
    public void WriteFloats(int field, ReadOnlySpan<float> values)
    {
        int length = checked(values.Length * sizeof(float));
        WriteKey(field, LengthDelimited);
        WriteVarint((ulong)length);
        Span<byte> target = _buffer.GetSpan(length).Slice(0, length);
        if (BitConverter.IsLittleEndian)
        {
            MemoryMarshal.AsBytes(values).CopyTo(target);
        }
        else
        {
            for (int i = 0; i < values.Length; i++)
                BinaryPrimitives.WriteSingleLittleEndian(target.Slice(i * sizeof(float)), values[i]);
        }
        _buffer.Advance(length);
    }

    private void WriteKey(int field, int wireType)
    {
        // Field numbers are 1 .. 2^29 - 1.
        ArgumentOutOfRangeException.ThrowIfLessThan(field, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(field, (1 << 29) - 1);
        WriteVarint(((ulong)field << 3) | (uint)wireType);
    }

    /// <summary>Seven bits per byte, least significant group first, high bit set on every byte but the last.</summary>
    private void WriteVarint(ulong value)
    {
        Span<byte> span = _buffer.GetSpan(10);
        int count = 0;
        while (value >= 0x80)
        {
            span[count++] = (byte)(value | 0x80);
            value >>= 7;
        }
        span[count++] = (byte)value;
        _buffer.Advance(count);
    }
}
