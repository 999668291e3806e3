using System;
using System.Collections.Generic;

namespace ModelGen.Generator.Onnx
{
    /// <summary>
    /// Thrown by <see cref="ProtoReader"/> and <see cref="OnnxReader"/> on bytes that are not a valid ONNX
    /// file. It never leaves the generator: the import step turns it into a diagnostic naming the file.
    /// </summary>
    internal sealed class OnnxFormatException : Exception
    {
        public OnnxFormatException(string message) : base(message) { }

        public OnnxFormatException() { }

        public OnnxFormatException(string message, Exception innerException) : base(message, innerException) { }
    }

    /// <summary>Protobuf wire types (the low three bits of a tag).</summary>
    internal enum WireType
    {
        Varint = 0,
        Fixed64 = 1,
        LengthDelimited = 2,
        StartGroup = 3,
        EndGroup = 4,
        Fixed32 = 5,
    }

    /// <summary>
    /// A protobuf reader over one message's bytes, [start, end) of a shared array. Every read is checked
    /// against the end of its message, so a truncated file, a bad varint or an absurd length throws an
    /// <see cref="OnnxFormatException"/> that names the byte offset in the file; nothing reads out of range.
    /// The field numbers it is used with are those runtime/Export/OnnxProto.cs writes.
    /// </summary>
    internal sealed class ProtoReader
    {
        private readonly byte[] _bytes;
        private readonly int _end;
        private int _position;

        public ProtoReader(byte[] bytes) : this(bytes, 0, bytes.Length) { }

        private ProtoReader(byte[] bytes, int start, int end)
        {
            _bytes = bytes;
            _position = start;
            _end = end;
        }

        public bool AtEnd => _position >= _end;

        /// <summary>The offset of the next byte in the file.</summary>
        public int Position => _position;

        /// <summary>Reads the next tag: its field number and wire type.</summary>
        public (int Field, WireType Type) ReadTag()
        {
            int start = _position;
            ulong tag = ReadVarint();
            ulong field = tag >> 3;
            var type = (WireType)(tag & 7);
            if (field == 0 || field > 536870911) throw Invalid(start, "field number " + field + " is out of range");
            if (type is WireType.StartGroup or WireType.EndGroup || (int)type > 5)
                throw Invalid(start, "wire type " + (int)type + " of field " + field + " is not used by ONNX");
            return ((int)field, type);
        }

        public ulong ReadVarint()
        {
            int start = _position;
            ulong value = 0;
            for (int shift = 0; shift < 64; shift += 7)
            {
                if (_position >= _end) throw Truncated(start);
                byte b = _bytes[_position++];
                value |= (ulong)(b & 0x7F) << shift;
                if ((b & 0x80) == 0)
                {
                    // The tenth byte may only carry the top bit of a 64-bit value.
                    if (shift == 63 && b > 1) throw Invalid(start, "a varint is longer than 64 bits");
                    return value;
                }
            }
            throw Invalid(start, "a varint is longer than 10 bytes");
        }

        public long ReadInt64() => unchecked((long)ReadVarint());

        public int ReadInt32()
        {
            int start = _position;
            long value = ReadInt64();
            if (value < int.MinValue || value > int.MaxValue) throw Invalid(start, "an int32 field holds " + value.ToString(System.Globalization.CultureInfo.InvariantCulture));
            return (int)value;
        }

        public float ReadFixed32Float()
        {
            if (_end - _position < 4) throw Truncated(_position);
            float value = ReadFloat(_bytes, _position);
            _position += 4;
            return value;
        }

        /// <summary>Reads a length-delimited field as a reader over its bytes.</summary>
        public ProtoReader ReadMessage()
        {
            (int start, int length) = ReadLength();
            return new ProtoReader(_bytes, start, start + length);
        }

        /// <summary>Reads a length-delimited field's bytes: (offset in the file, length).</summary>
        public (int Start, int Length) ReadLength()
        {
            int start = _position;
            ulong length = ReadVarint();
            if (length > (ulong)(_end - _position))
            {
                if (length > int.MaxValue) throw Invalid(start, "a length of " + length + " bytes is larger than any ONNX file ModelGen reads");
                throw Truncated(start);
            }
            int begin = _position;
            _position += (int)length;
            return (begin, (int)length);
        }

        public string ReadString()
        {
            (int start, int length) = ReadLength();
            try
            {
                return new System.Text.UTF8Encoding(false, true).GetString(_bytes, start, length);
            }
            catch (ArgumentException)
            {
                throw Invalid(start, "a string is not valid UTF-8");
            }
        }

        public byte[] ReadBytes()
        {
            (int start, int length) = ReadLength();
            var copy = new byte[length];
            Buffer.BlockCopy(_bytes, start, copy, 0, length);
            return copy;
        }

        /// <summary>Reads a repeated int64 field, packed or one value per tag.</summary>
        public void ReadInt64s(WireType type, List<long> into)
        {
            if (type == WireType.Varint)
            {
                into.Add(ReadInt64());
                return;
            }
            Expect(type, WireType.LengthDelimited);
            ProtoReader packed = ReadMessage();
            while (!packed.AtEnd) into.Add(packed.ReadInt64());
        }

        /// <summary>Reads a repeated float field, packed or one value per tag.</summary>
        public void ReadFloats(WireType type, List<float> into)
        {
            if (type == WireType.Fixed32)
            {
                into.Add(ReadFixed32Float());
                return;
            }
            Expect(type, WireType.LengthDelimited);
            (int start, int length) = ReadLength();
            if (length % 4 != 0) throw Invalid(start, "packed floats take " + length + " bytes, not a multiple of 4");
            for (int i = 0; i < length; i += 4) into.Add(ReadFloat(_bytes, start + i));
        }

        /// <summary>Checks a field's wire type; the offset named is that of the field's value.</summary>
        public void Expect(WireType actual, WireType expected)
        {
            if (actual != expected) throw Invalid(_position, "a field has wire type " + (int)actual + " where ONNX has " + (int)expected);
        }

        public void Skip(WireType type)
        {
            switch (type)
            {
                case WireType.Varint: ReadVarint(); break;
                case WireType.Fixed64: Advance(8); break;
                case WireType.Fixed32: Advance(4); break;
                case WireType.LengthDelimited: ReadLength(); break;
                default: throw Invalid(_position, "wire type " + (int)type + " is not used by ONNX");
            }
        }

        private void Advance(int count)
        {
            if (_end - _position < count) throw Truncated(_position);
            _position += count;
        }

        /// <summary>A little-endian float32, whatever the machine's byte order.</summary>
        public static float ReadFloat(byte[] bytes, int offset)
        {
            if (BitConverter.IsLittleEndian) return BitConverter.ToSingle(bytes, offset);
            byte[] swapped = { bytes[offset + 3], bytes[offset + 2], bytes[offset + 1], bytes[offset] };
            return BitConverter.ToSingle(swapped, 0);
        }

        private OnnxFormatException Truncated(int start) =>
            new OnnxFormatException("truncated at byte " + Math.Min(_end, _bytes.Length) + " (a field starting at byte " + start + " runs past the end of its message)");

        private static OnnxFormatException Invalid(int at, string what) =>
            new OnnxFormatException(what + " at byte " + at);
    }
}
