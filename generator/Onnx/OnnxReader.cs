using System.Collections.Generic;
using System.Threading;

namespace ModelGen.Generator.Onnx
{
    /// <summary>
    /// Reads an ONNX ModelProto from its bytes, with the field numbers of onnx.proto (the same ones
    /// runtime/Export/OnnxProto.cs writes). Fields the importer does not use are skipped, checked for
    /// their wire type and length like any other. Bad input throws <see cref="OnnxFormatException"/>.
    /// </summary>
    internal static class OnnxReader
    {
        public static OnnxModelProto Read(byte[] bytes, CancellationToken cancellationToken)
        {
            if (bytes.Length == 0) throw new OnnxFormatException("the file is empty");
            var model = new OnnxModelProto();
            var reader = new ProtoReader(bytes);
            while (!reader.AtEnd)
            {
                var (field, type) = reader.ReadTag();
                switch (field)
                {
                    case 1: reader.Expect(type, WireType.Varint); model.IrVersion = reader.ReadInt64(); break;
                    case 2: reader.Expect(type, WireType.LengthDelimited); model.ProducerName = reader.ReadString(); break;
                    case 3: reader.Expect(type, WireType.LengthDelimited); model.ProducerVersion = reader.ReadString(); break;
                    case 7: reader.Expect(type, WireType.LengthDelimited); model.Graph = ReadGraph(reader.ReadMessage(), cancellationToken); break;
                    case 8: reader.Expect(type, WireType.LengthDelimited); model.Opsets.Add(ReadOpset(reader.ReadMessage())); break;
                    default: reader.Skip(type); break;
                }
            }
            if (model.Graph is null) throw new OnnxFormatException("it has no graph (field 7 of ModelProto)");
            if (model.IrVersion <= 0) throw new OnnxFormatException("it has no ir_version (field 1 of ModelProto)");
            return model;
        }

        private static (string, long) ReadOpset(ProtoReader reader)
        {
            string domain = "";
            long version = 0;
            while (!reader.AtEnd)
            {
                var (field, type) = reader.ReadTag();
                if (field == 1) { reader.Expect(type, WireType.LengthDelimited); domain = reader.ReadString(); }
                else if (field == 2) { reader.Expect(type, WireType.Varint); version = reader.ReadInt64(); }
                else reader.Skip(type);
            }
            return (domain, version);
        }

        private static OnnxGraphProto ReadGraph(ProtoReader reader, CancellationToken cancellationToken)
        {
            var graph = new OnnxGraphProto();
            while (!reader.AtEnd)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var (field, type) = reader.ReadTag();
                if (field is 1 or 2 or 5 or 11 or 12) reader.Expect(type, WireType.LengthDelimited);
                switch (field)
                {
                    case 1: graph.Nodes.Add(ReadNode(reader.ReadMessage())); break;
                    case 2: graph.Name = reader.ReadString(); break;
                    case 5: graph.Initializers.Add(ReadTensor(reader.ReadMessage())); break;
                    case 11: graph.Inputs.Add(ReadValueInfo(reader.ReadMessage())); break;
                    case 12: graph.Outputs.Add(ReadValueInfo(reader.ReadMessage())); break;
                    default: reader.Skip(type); break; // value_info (13) and the rest: shapes the importer infers itself
                }
            }
            return graph;
        }

        private static OnnxNodeProto ReadNode(ProtoReader reader)
        {
            var node = new OnnxNodeProto();
            while (!reader.AtEnd)
            {
                var (field, type) = reader.ReadTag();
                if (field is 1 or 2 or 3 or 4 or 5 or 7) reader.Expect(type, WireType.LengthDelimited);
                switch (field)
                {
                    case 1: node.Inputs.Add(reader.ReadString()); break;
                    case 2: node.Outputs.Add(reader.ReadString()); break;
                    case 3: node.Name = reader.ReadString(); break;
                    case 4: node.OpType = reader.ReadString(); break;
                    case 5: node.Attributes.Add(ReadAttribute(reader.ReadMessage())); break;
                    case 7: node.Domain = reader.ReadString(); break;
                    default: reader.Skip(type); break;
                }
            }
            return node;
        }

        private static OnnxAttributeProto ReadAttribute(ProtoReader reader)
        {
            var attribute = new OnnxAttributeProto();
            while (!reader.AtEnd)
            {
                var (field, type) = reader.ReadTag();
                switch (field)
                {
                    case 1: reader.Expect(type, WireType.LengthDelimited); attribute.Name = reader.ReadString(); break;
                    case 2: reader.Expect(type, WireType.Fixed32); attribute.F = reader.ReadFixed32Float(); break;
                    case 3: reader.Expect(type, WireType.Varint); attribute.I = reader.ReadInt64(); break;
                    case 4: reader.Expect(type, WireType.LengthDelimited); attribute.S = reader.ReadBytes(); break;
                    case 5: reader.Expect(type, WireType.LengthDelimited); attribute.T = ReadTensor(reader.ReadMessage()); break;
                    case 7: reader.ReadFloats(type, attribute.Floats); break;
                    case 8: reader.ReadInt64s(type, attribute.Ints); break;
                    case 20: reader.Expect(type, WireType.Varint); attribute.Type = (OnnxAttributeType)reader.ReadInt32(); break;
                    default: reader.Skip(type); break;
                }
            }
            return attribute;
        }

        private static OnnxTensorProto ReadTensor(ProtoReader reader)
        {
            var tensor = new OnnxTensorProto();
            while (!reader.AtEnd)
            {
                var (field, type) = reader.ReadTag();
                switch (field)
                {
                    case 1: reader.ReadInt64s(type, tensor.Dims); break;
                    case 2: reader.Expect(type, WireType.Varint); tensor.DataType = reader.ReadInt32(); break;
                    case 4: reader.ReadFloats(type, tensor.FloatData); break;
                    case 5: reader.ReadInt64s(type, tensor.Int64Data); break; // int32_data: small integer tensors
                    case 7: reader.ReadInt64s(type, tensor.Int64Data); break;
                    case 8: reader.Expect(type, WireType.LengthDelimited); tensor.Name = reader.ReadString(); break;
                    case 9: reader.Expect(type, WireType.LengthDelimited); tensor.RawData = reader.ReadBytes(); break;
                    case 13: reader.Expect(type, WireType.LengthDelimited); reader.ReadLength(); tensor.External = true; break;
                    case 14: reader.Expect(type, WireType.Varint); tensor.External |= reader.ReadInt64() == 1; break;
                    default: reader.Skip(type); break;
                }
            }
            return tensor;
        }

        private static OnnxValueInfo ReadValueInfo(ProtoReader reader)
        {
            var value = new OnnxValueInfo();
            while (!reader.AtEnd)
            {
                var (field, type) = reader.ReadTag();
                if (field == 1) { reader.Expect(type, WireType.LengthDelimited); value.Name = reader.ReadString(); }
                else if (field == 2) { reader.Expect(type, WireType.LengthDelimited); ReadType(reader.ReadMessage(), value); }
                else reader.Skip(type);
            }
            return value;
        }

        // TypeProto: tensor_type 1 → TypeProto.Tensor: elem_type 1, shape 2 → TensorShapeProto: dim 1 →
        // Dimension: dim_value 1, dim_param 2.
        private static void ReadType(ProtoReader reader, OnnxValueInfo value)
        {
            while (!reader.AtEnd)
            {
                var (field, type) = reader.ReadTag();
                if (field != 1) { reader.Skip(type); continue; }
                reader.Expect(type, WireType.LengthDelimited);
                ProtoReader tensor = reader.ReadMessage();
                while (!tensor.AtEnd)
                {
                    var (tensorField, tensorType) = tensor.ReadTag();
                    if (tensorField == 1) { tensor.Expect(tensorType, WireType.Varint); value.ElementType = tensor.ReadInt32(); }
                    else if (tensorField == 2) { tensor.Expect(tensorType, WireType.LengthDelimited); ReadShape(tensor.ReadMessage(), value); }
                    else tensor.Skip(tensorType);
                }
            }
        }

        private static void ReadShape(ProtoReader reader, OnnxValueInfo value)
        {
            value.HasShape = true;
            while (!reader.AtEnd)
            {
                var (field, type) = reader.ReadTag();
                if (field != 1) { reader.Skip(type); continue; }
                reader.Expect(type, WireType.LengthDelimited);
                ProtoReader dim = reader.ReadMessage();
                long? size = null;
                while (!dim.AtEnd)
                {
                    var (dimField, dimType) = dim.ReadTag();
                    if (dimField == 1) { dim.Expect(dimType, WireType.Varint); size = dim.ReadInt64(); }
                    else dim.Skip(dimType);
                }
                value.Dims.Add(size);
            }
        }
    }
}
