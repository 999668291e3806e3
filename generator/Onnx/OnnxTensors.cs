using System.Collections.Generic;
using System.Globalization;

namespace ModelGen.Generator.Onnx
{
    /// <summary>
    /// Reading the data of constant tensors (initializers and Constant nodes). Integer vectors computed for a reshape
    /// (e.g. PyTorch's x.view(x.size(0), -1) as Shape → Gather → Unsqueeze → Concat → Reshape) use <see cref="Batch"/>
    /// for the batch size, which is only known at run time.
    /// </summary>
    internal static class OnnxTensors
    {
        /// <summary>Stands for the batch dimension in a computed shape.</summary>
        public const long Batch = long.MinValue;

        /// <summary>An int64 or int32 tensor's values, flattened; null for other types and external data.</summary>
        public static long[]? Integers(OnnxTensorProto tensor)
        {
            if (tensor.External) return null;
            if (tensor.DataType == OnnxDataType.Int64)
            {
                if (tensor.RawData is { } raw)
                {
                    if (raw.Length % 8 != 0) return null;
                    var result = new long[raw.Length / 8];
                    for (int i = 0; i < result.Length; i++)
                    {
                        ulong v = 0;
                        for (int b = 7; b >= 0; b--) v = (v << 8) | raw[i * 8 + b];
                        result[i] = unchecked((long)v);
                    }
                    return result;
                }
                return tensor.Int64Data.ToArray();
            }
            if (tensor.DataType == OnnxDataType.Int32)
            {
                if (tensor.RawData is { } raw)
                {
                    if (raw.Length % 4 != 0) return null;
                    var result = new long[raw.Length / 4];
                    for (int i = 0; i < result.Length; i++) result[i] = raw[i * 4] | raw[i * 4 + 1] << 8 | raw[i * 4 + 2] << 16 | raw[i * 4 + 3] << 24;
                    return result;
                }
                return tensor.Int64Data.ToArray();
            }
            return null;
        }

        /// <summary>A float tensor's values, or null when it is not a float tensor with its data inside the file.</summary>
        public static float[]? Floats(OnnxTensorProto tensor)
        {
            if (tensor.DataType != OnnxDataType.Float || tensor.External) return null;
            if (tensor.RawData is { } raw)
            {
                if (raw.Length % 4 != 0) return null;
                var values = new float[raw.Length / 4];
                for (int i = 0; i < values.Length; i++) values[i] = ProtoReader.ReadFloat(raw, i * 4);
                return values;
            }
            return tensor.FloatData.ToArray();
        }

        /// <summary>The number of elements the dims give, or -1 when a dim is negative or the count overflows.</summary>
        public static long ElementCount(List<long> dims)
        {
            long count = 1;
            foreach (long dim in dims)
            {
                if (dim < 0 || (dim > 0 && count > long.MaxValue / dim)) return -1;
                count *= dim;
            }
            return count;
        }

        public static string Text(long[] values)
        {
            var parts = new List<string>();
            foreach (long value in values) parts.Add(value == Batch ? "N" : value.ToString(CultureInfo.InvariantCulture));
            return "[" + string.Join(", ", parts) + "]";
        }
    }
}
