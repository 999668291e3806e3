using System.Buffers.Binary;
using System.Text;

namespace ModelGen.Onnx.Tests.Harness;

/// <summary>
/// A protobuf message decoded field by field, written from the wire-format spec independently of the
/// exporter's encoder, so the tests can check the exported bytes without trusting that encoder.
/// </summary>
public sealed class WireMessage
{
    private readonly List<(int Field, int WireType, ulong Number, byte[] Bytes)> _fields = [];

    /// <summary>Decodes one message; fails the test on malformed input or an unexpected wire type.</summary>
    public static WireMessage Parse(ReadOnlySpan<byte> data)
    {
        var message = new WireMessage();
        int position = 0;
        while (position < data.Length)
        {
            ulong key = ReadVarint(data, ref position);
            int field = (int)(key >> 3), wireType = (int)(key & 7);
            switch (wireType)
            {
                case 0:
                    message._fields.Add((field, wireType, ReadVarint(data, ref position), []));
                    break;
                case 2:
                    int length = checked((int)ReadVarint(data, ref position));
                    Assert.True(position + length <= data.Length, $"field {field}: length {length} runs past the end");
                    message._fields.Add((field, wireType, 0, data.Slice(position, length).ToArray()));
                    position += length;
                    break;
                case 5:
                    Assert.True(position + 4 <= data.Length, $"field {field}: fixed32 runs past the end");
                    message._fields.Add((field, wireType, BinaryPrimitives.ReadUInt32LittleEndian(data.Slice(position)), []));
                    position += 4;
                    break;
                default:
                    Assert.Fail($"field {field} has wire type {wireType}, which the exporter never writes");
                    break;
            }
        }
        return message;
    }

    /// <summary>The varint values of <paramref name="field"/>, as int64.</summary>
    public long[] Int64s(int field) => Of(field, 0).Select(f => unchecked((long)f.Number)).ToArray();

    /// <summary>The single varint value of <paramref name="field"/>.</summary>
    public long SingleInt64(int field) => Assert.Single(Int64s(field));

    /// <summary>The single fixed32 value of <paramref name="field"/>, as a float.</summary>
    public float SingleFloat(int field) => BitConverter.UInt32BitsToSingle((uint)Assert.Single(Of(field, 5)).Number);

    /// <summary>The length-delimited values of <paramref name="field"/>.</summary>
    public byte[][] Bytes(int field) => Of(field, 2).Select(f => f.Bytes).ToArray();

    /// <summary>The length-delimited values of <paramref name="field"/>, as UTF-8 strings.</summary>
    public string[] Strings(int field) => Bytes(field).Select(b => Encoding.UTF8.GetString(b)).ToArray();

    /// <summary>The single string of <paramref name="field"/>.</summary>
    public string SingleString(int field) => Assert.Single(Strings(field));

    /// <summary>The embedded messages of <paramref name="field"/>.</summary>
    public WireMessage[] Messages(int field) => Bytes(field).Select(b => Parse(b)).ToArray();

    /// <summary>The single embedded message of <paramref name="field"/>.</summary>
    public WireMessage Message(int field) => Assert.Single(Messages(field));

    /// <summary>Whether any value of <paramref name="field"/> is present.</summary>
    public bool Has(int field) => _fields.Any(f => f.Field == field);

    private IEnumerable<(int Field, int WireType, ulong Number, byte[] Bytes)> Of(int field, int wireType)
    {
        foreach (var f in _fields.Where(f => f.Field == field))
        {
            Assert.True(f.WireType == wireType, $"field {field} has wire type {f.WireType}; expected {wireType}");
            yield return f;
        }
    }

    private static ulong ReadVarint(ReadOnlySpan<byte> data, ref int position)
    {
        ulong value = 0;
        for (int shift = 0; shift < 64; shift += 7)
        {
            Assert.True(position < data.Length, "a varint runs past the end");
            byte b = data[position++];
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80) return value;
        }
        Assert.Fail("a varint is longer than ten bytes");
        return 0;
    }
}
