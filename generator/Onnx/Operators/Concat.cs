using System.Collections.Generic;
using ModelGen.Generator.Onnx.Graph;

namespace ModelGen.Generator.Onnx.Operators
{
    /// <summary>Concat of integer vectors: e.g. [N] and [-1] into a reshape's target [N, -1].</summary>
    internal sealed class ConcatOperator : IntegerOperator
    {
        protected override long[]? Evaluate(OnnxNode node, List<long[]> inputs)
        {
            var all = new List<long>();
            foreach (long[] part in inputs) all.AddRange(part);
            return all.ToArray();
        }
    }
}
