using System.Buffers.Binary;
using System.Text;

namespace ModelGen.Tests.OnnxFiles;

/// <summary>
/// Writes ONNX files for tests, field by field from onnx.proto, independently of ModelGen's exporter: graphs
/// shaped the way torch.onnx.export and tf2onnx write them (NCHW input, Gemm with transB = 1, the
/// Shape/Gather/Unsqueeze/Concat chain of x.view(x.size(0), -1), ...) and broken ones for the diagnostics.
/// </summary>
public sealed class OnnxBuilder
{
    private readonly List<byte[]> _nodes = [];
    private readonly List<byte[]> _initializers = [];
    private readonly List<byte[]> _inputs = [];
    private readonly List<byte[]> _outputs = [];

    public long Opset { get; set; } = 13;
    public long IrVersion { get; set; } = 7;
    public string Producer { get; set; } = "pytorch";

    /// <summary>A float input; null dims are the symbolic batch "N".</summary>
    public OnnxBuilder Input(string name, params long?[] dims)
    {
        _inputs.Add(Value(name, 1, dims));
        return this;
    }

    public OnnxBuilder Input(string name, int elementType, params long?[] dims)
    {
        _inputs.Add(Value(name, elementType, dims));
        return this;
    }

    public OnnxBuilder Output(string name, params long?[] dims)
    {
        _outputs.Add(Value(name, 1, dims));
        return this;
    }

    public OnnxBuilder Node(string opType, string[] inputs, string[] outputs, string? name = null, params byte[][] attributes)
    {
        var node = new Proto();
        foreach (string input in inputs) node.Text(1, input);
        foreach (string output in outputs) node.Text(2, output);
        if (name is not null) node.Text(3, name);
        node.Text(4, opType);
        foreach (byte[] attribute in attributes) node.Bytes(5, attribute);
        _nodes.Add(node.ToArray());
        return this;
    }

    public OnnxBuilder Initializer(string name, long[] dims, float[] values, bool raw = true)
    {
        _initializers.Add(FloatTensor(name, dims, values, raw));
        return this;
    }

    public OnnxBuilder Int64Initializer(string name, long[] dims, long[] values)
    {
        _initializers.Add(Int64Tensor(name, dims, values));
        return this;
    }

    /// <summary>An initializer given as its encoded TensorProto.</summary>
    public OnnxBuilder RawInitializer(byte[] tensor)
    {
        _initializers.Add(tensor);
        return this;
    }

    /// <summary>An initializer whose data is in another file (data_location = EXTERNAL).</summary>
    public OnnxBuilder ExternalInitializer(string name, long[] dims)
    {
        var tensor = new Proto();
        tensor.PackedInt64s(1, dims);
        tensor.Varint(2, 1);
        tensor.Text(8, name);
        var entry = new Proto();
        entry.Text(1, "location");
        entry.Text(2, name + ".bin");
        tensor.Bytes(13, entry.ToArray());
        tensor.Varint(14, 1);
        _initializers.Add(tensor.ToArray());
        return this;
    }

    public byte[] ToBytes()
    {
        var graph = new Proto();
        foreach (byte[] node in _nodes) graph.Bytes(1, node);
        graph.Text(2, "test_graph");
        foreach (byte[] initializer in _initializers) graph.Bytes(5, initializer);
        foreach (byte[] input in _inputs) graph.Bytes(11, input);
        foreach (byte[] output in _outputs) graph.Bytes(12, output);
        var opset = new Proto();
        opset.Text(1, "");
        opset.Varint(2, (ulong)Opset);
        var model = new Proto();
        model.Varint(1, (ulong)IrVersion);
        model.Text(2, Producer);
        model.Text(3, "1.13.1");
        model.Bytes(7, graph.ToArray());
        model.Bytes(8, opset.ToArray());
        return model.ToArray();
    }

    // ---------------------------------------------------------------- attributes

    public static byte[] IntAttr(string name, long value) => new Proto().Text(1, name).Varint(3, (ulong)value).Varint(20, 2).ToArray();

    public static byte[] FloatAttr(string name, float value) => new Proto().Text(1, name).Fixed32(2, value).Varint(20, 1).ToArray();

    public static byte[] IntsAttr(string name, params long[] values) => new Proto().Text(1, name).PackedInt64s(8, values).Varint(20, 7).ToArray();

    public static byte[] TextAttr(string name, string value) => new Proto().Text(1, name).Text(4, value).Varint(20, 3).ToArray();

    public static byte[] TensorAttr(string name, byte[] tensor) => new Proto().Text(1, name).Bytes(5, tensor).Varint(20, 4).ToArray();

    public static byte[] Int64Tensor(string name, long[] dims, long[] values)
    {
        var tensor = new Proto();
        tensor.PackedInt64s(1, dims);
        tensor.Varint(2, 7);
        tensor.PackedInt64s(7, values);
        tensor.Text(8, name);
        return tensor.ToArray();
    }

    public static byte[] FloatTensor(string name, long[] dims, float[] values, bool raw = true)
    {
        var tensor = new Proto();
        tensor.PackedInt64s(1, dims);
        tensor.Varint(2, 1);
        tensor.Text(8, name);
        if (raw)
        {
            var bytes = new byte[values.Length * 4];
            for (int i = 0; i < values.Length; i++) BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * 4), values[i]);
            tensor.Bytes(9, bytes);
        }
        else tensor.PackedFloats(4, values);
        return tensor.ToArray();
    }

    private static byte[] Value(string name, int elementType, long?[] dims)
    {
        var shape = new Proto();
        foreach (long? dim in dims)
        {
            var d = new Proto();
            if (dim is { } value) d.Varint(1, (ulong)value);
            else d.Text(2, "N");
            shape.Bytes(1, d.ToArray());
        }
        var tensorType = new Proto().Varint(1, (ulong)elementType).Bytes(2, shape.ToArray());
        var type = new Proto().Bytes(1, tensorType.ToArray());
        return new Proto().Text(1, name).Bytes(2, type.ToArray()).ToArray();
    }

    /// <summary>A minimal protobuf encoder.</summary>
    public sealed class Proto
    {
        private readonly List<byte> _bytes = [];

        public Proto Varint(int field, ulong value)
        {
            Tag(field, 0);
            Raw(value);
            return this;
        }

        public Proto Fixed32(int field, float value)
        {
            Tag(field, 5);
            var bytes = new byte[4];
            BinaryPrimitives.WriteSingleLittleEndian(bytes, value);
            _bytes.AddRange(bytes);
            return this;
        }

        public Proto Bytes(int field, byte[] value)
        {
            Tag(field, 2);
            Raw((ulong)value.Length);
            _bytes.AddRange(value);
            return this;
        }

        public Proto Text(int field, string value) => Bytes(field, Encoding.UTF8.GetBytes(value));

        public Proto PackedInt64s(int field, long[] values)
        {
            var packed = new Proto();
            foreach (long value in values) packed.Raw((ulong)value);
            return Bytes(field, packed.ToArray());
        }

        public Proto PackedFloats(int field, float[] values)
        {
            var bytes = new byte[values.Length * 4];
            for (int i = 0; i < values.Length; i++) BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * 4), values[i]);
            return Bytes(field, bytes);
        }

        public byte[] ToArray() => [.. _bytes];

        private void Tag(int field, int wireType) => Raw((ulong)(field << 3 | wireType));

        private void Raw(ulong value)
        {
            while (value >= 0x80)
            {
                _bytes.Add((byte)(value | 0x80));
                value >>= 7;
            }
            _bytes.Add((byte)value);
        }
    }
}
