using System.Collections.Generic;

namespace ModelGen.Generator.Onnx
{
    // The parts of ONNX's protobuf messages (onnx.proto3) that the importer reads, as plain objects. They
    // live only inside one pipeline step (read, then mapped to a value-equatable ImportedNetwork), so they
    // need no value equality.

    /// <summary>ModelProto: ir_version 1, producer_name 2, producer_version 3, graph 7, opset_import 8.</summary>
    internal sealed class OnnxModelProto
    {
        public long IrVersion { get; set; }
        public string ProducerName { get; set; } = "";
        public string ProducerVersion { get; set; } = "";
        public OnnxGraphProto? Graph { get; set; }

        /// <summary>opset_import: domain ("" or "ai.onnx" is the default set) → version.</summary>
        public List<(string Domain, long Version)> Opsets { get; } = new List<(string, long)>();
    }

    /// <summary>GraphProto: node 1, name 2, initializer 5, input 11, output 12, value_info 13.</summary>
    internal sealed class OnnxGraphProto
    {
        public string Name { get; set; } = "";
        public List<OnnxNodeProto> Nodes { get; } = new List<OnnxNodeProto>();
        public List<OnnxTensorProto> Initializers { get; } = new List<OnnxTensorProto>();
        public List<OnnxValueInfo> Inputs { get; } = new List<OnnxValueInfo>();
        public List<OnnxValueInfo> Outputs { get; } = new List<OnnxValueInfo>();
    }

    /// <summary>NodeProto: input 1, output 2, name 3, op_type 4, attribute 5, domain 7.</summary>
    internal sealed class OnnxNodeProto
    {
        public string Name { get; set; } = "";
        public string OpType { get; set; } = "";
        public string Domain { get; set; } = "";
        public List<string> Inputs { get; } = new List<string>();
        public List<string> Outputs { get; } = new List<string>();
        public List<OnnxAttributeProto> Attributes { get; } = new List<OnnxAttributeProto>();

        /// <summary>The node as diagnostics name it: "'conv1' (Conv)", or "the Conv node writing 'x'" when it has no name.</summary>
        public string Display => Name.Length > 0
            ? "'" + Name + "' (" + OpType + ")"
            : "the " + OpType + " node writing '" + (Outputs.Count > 0 ? Outputs[0] : "") + "'";

        public OnnxAttributeProto? Attribute(string name)
        {
            foreach (OnnxAttributeProto attribute in Attributes) if (attribute.Name == name) return attribute;
            return null;
        }
    }

    /// <summary>AttributeProto.AttributeType values the importer reads.</summary>
    internal enum OnnxAttributeType
    {
        Undefined = 0,
        Float = 1,
        Int = 2,
        String = 3,
        Tensor = 4,
        Floats = 6,
        Ints = 7,
    }

    /// <summary>AttributeProto: name 1, f 2, i 3, s 4, t 5, floats 7, ints 8, type 20.</summary>
    internal sealed class OnnxAttributeProto
    {
        public string Name { get; set; } = "";
        public OnnxAttributeType Type { get; set; }
        public float F { get; set; }
        public long I { get; set; }
        public byte[] S { get; set; } = System.Array.Empty<byte>();
        public OnnxTensorProto? T { get; set; }
        public List<float> Floats { get; } = new List<float>();
        public List<long> Ints { get; } = new List<long>();
    }

    /// <summary>TensorProto.DataType values the importer reads.</summary>
    internal static class OnnxDataType
    {
        public const int Float = 1;
        public const int Int32 = 6;
        public const int Int64 = 7;

        public static string Name(int type) => type switch
        {
            1 => "float", 2 => "uint8", 3 => "int8", 4 => "uint16", 5 => "int16", 6 => "int32", 7 => "int64", 8 => "string",
            9 => "bool", 10 => "float16", 11 => "double", 12 => "uint32", 13 => "uint64", 16 => "bfloat16",
            _ => "data type " + type.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
    }

    /// <summary>
    /// TensorProto: dims 1, data_type 2, float_data 4, int32_data 5, int64_data 7, name 8, raw_data 9,
    /// external_data 13, data_location 14 (1 = EXTERNAL).
    /// </summary>
    internal sealed class OnnxTensorProto
    {
        public string Name { get; set; } = "";
        public int DataType { get; set; }
        public List<long> Dims { get; } = new List<long>();
        public List<float> FloatData { get; } = new List<float>();
        public List<long> Int64Data { get; } = new List<long>();
        public byte[]? RawData { get; set; }
        public bool External { get; set; }

        /// <summary>"[128, 784]".</summary>
        public string DimsText => "[" + string.Join(", ", Dims.ConvertAll(d => d.ToString(System.Globalization.CultureInfo.InvariantCulture))) + "]";
    }

    /// <summary>
    /// ValueInfoProto (name 1, type 2) with its TypeProto.Tensor (elem_type 1, shape 2) flattened: the element
    /// type and each dimension (a value, or null for a named dim_param or an unknown one).
    /// </summary>
    internal sealed class OnnxValueInfo
    {
        public string Name { get; set; } = "";
        public int ElementType { get; set; }
        public bool HasShape { get; set; }
        public List<long?> Dims { get; } = new List<long?>();

        public string DimsText => HasShape
            ? "[" + string.Join(", ", Dims.ConvertAll(d => d.HasValue ? d.Value.ToString(System.Globalization.CultureInfo.InvariantCulture) : "?")) + "]"
            : "(no shape)";
    }
}
