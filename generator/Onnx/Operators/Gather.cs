using System.Collections.Generic;
using ModelGen.Generator.Onnx.Graph;

namespace ModelGen.Generator.Onnx.Operators
{
    /// <summary>Gather (axis 0) of an integer vector: e.g. the batch size from a Shape.</summary>
    internal sealed class GatherOperator : IntegerOperator
    {
        protected override long[]? Evaluate(OnnxNode node, List<long[]> inputs)
        {
            if ((node.Attribute("axis")?.I ?? 0) != 0 || inputs.Count != 2) return null;
            long[] data = inputs[0];
            var gathered = new List<long>();
            foreach (long index in inputs[1])
            {
                long i = index < 0 ? index + data.Length : index;
                if (i < 0 || i >= data.Length) return null;
                gathered.Add(data[i]);
            }
            return gathered.ToArray();
        }
    }
}
