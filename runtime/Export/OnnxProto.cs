namespace ModelGen.Export;

/// <summary>
/// The ONNX messages the exporter writes, encoded with <see cref="ProtobufWriter"/>. Field numbers are
/// those of onnx/onnx.proto (stable since IR version 3); only the fields ModelGen uses are listed.
/// </summary>
internal static class OnnxProto
{
    /// <summary>TensorProto.DataType.FLOAT.</summary>
    public const int FloatType = 1;

    // AttributeProto.AttributeType values.
    private const int AttributeFloat = 1;
    private const int AttributeInt = 2;
    private const int AttributeInts = 7;

    /// <summary>ModelProto field numbers.</summary>
    public static class Model
    {
        public const int IrVersion = 1;
        public const int ProducerName = 2;
        public const int ProducerVersion = 3;
        public const int DocString = 6;
        public const int Graph = 7;
        public const int OpsetImport = 8;
    }

    /// <summary>GraphProto field numbers.</summary>
    public static class Graph
    {
        public const int Node = 1;
        public const int Name = 2;
        public const int Initializer = 5;
        public const int Input = 11;
        public const int Output = 12;
    }

    /// <summary>An OperatorSetIdProto: domain = 1, version = 2.</summary>
    public static ProtobufWriter OperatorSet(string domain, long version)
    {
        var message = new ProtobufWriter();
        message.WriteString(1, domain);
        message.WriteInt64(2, version);
        return message;
    }

    /// <summary>
    /// A float32 TensorProto with its values in raw_data (little-endian): dims = 1, data_type = 2,
    /// name = 8, raw_data = 9.
    /// </summary>
    public static ProtobufWriter FloatTensor(string name, ReadOnlySpan<long> dims, ReadOnlySpan<float> values)
    {
        var tensor = new ProtobufWriter();
        foreach (long dim in dims) tensor.WriteInt64(1, dim); // unpacked repeated int64: every reader accepts it
        tensor.WriteInt64(2, FloatType);
        tensor.WriteString(8, name);
        tensor.WriteFloats(9, values);
        return tensor;
    }

    /// <summary>
    /// A ValueInfoProto (name = 1, type = 2) for a float tensor of shape [batch, <paramref name="features"/>],
    /// where the batch dimension is the symbol <paramref name="batchSymbol"/>.
    /// </summary>
    public static ProtobufWriter FloatMatrixValue(string name, string batchSymbol, long features) =>
        FloatTensorValue(name, batchSymbol, [features]);

    /// <summary>
    /// A ValueInfoProto (name = 1, type = 2) for a float tensor of shape [batch, ..<paramref name="dims"/>],
    /// where the batch dimension is the symbol <paramref name="batchSymbol"/>.
    /// </summary>
    public static ProtobufWriter FloatTensorValue(string name, string batchSymbol, ReadOnlySpan<long> dims)
    {
        // TensorShapeProto.Dimension: dim_value = 1, dim_param = 2.
        var batch = new ProtobufWriter();
        batch.WriteString(2, batchSymbol);
        // TensorShapeProto: dim = 1.
        var shape = new ProtobufWriter();
        shape.WriteMessage(1, batch);
        foreach (long dim in dims)
        {
            var size = new ProtobufWriter();
            size.WriteInt64(1, dim);
            shape.WriteMessage(1, size);
        }
        // TypeProto.Tensor: elem_type = 1, shape = 2.
        var tensorType = new ProtobufWriter();
        tensorType.WriteInt64(1, FloatType);
        tensorType.WriteMessage(2, shape);
        // TypeProto: tensor_type = 1.
        var type = new ProtobufWriter();
        type.WriteMessage(1, tensorType);

        var value = new ProtobufWriter();
        value.WriteString(1, name);
        value.WriteMessage(2, type);
        return value;
    }

    /// <summary>A NodeProto: input = 1, output = 2, name = 3, op_type = 4, attribute = 5 (default domain).</summary>
    public static ProtobufWriter Node(string name, string opType, IEnumerable<string> inputs, string output, params ProtobufWriter[] attributes)
    {
        var node = new ProtobufWriter();
        foreach (string input in inputs) node.WriteString(1, input);
        node.WriteString(2, output);
        node.WriteString(3, name);
        node.WriteString(4, opType);
        foreach (ProtobufWriter attribute in attributes) node.WriteMessage(5, attribute);
        return node;
    }

    /// <summary>A float AttributeProto: name = 1, f = 2, type = 20 (FLOAT).</summary>
    public static ProtobufWriter FloatAttribute(string name, float value)
    {
        var attribute = new ProtobufWriter();
        attribute.WriteString(1, name);
        attribute.WriteFloat(2, value);
        attribute.WriteInt64(20, AttributeFloat);
        return attribute;
    }

    /// <summary>An int AttributeProto: name = 1, i = 3, type = 20 (INT).</summary>
    public static ProtobufWriter IntAttribute(string name, long value)
    {
        var attribute = new ProtobufWriter();
        attribute.WriteString(1, name);
        attribute.WriteInt64(3, value);
        attribute.WriteInt64(20, AttributeInt);
        return attribute;
    }

    /// <summary>An ints AttributeProto: name = 1, ints = 8 (unpacked, which every reader accepts), type = 20 (INTS).</summary>
    public static ProtobufWriter IntsAttribute(string name, params long[] values)
    {
        var attribute = new ProtobufWriter();
        attribute.WriteString(1, name);
        foreach (long value in values) attribute.WriteInt64(8, value);
        attribute.WriteInt64(20, AttributeInts);
        return attribute;
    }
}
