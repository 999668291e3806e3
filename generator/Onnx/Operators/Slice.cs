using System;
using System.Collections.Generic;
using ModelGen.Generator.Onnx.Graph;

namespace ModelGen.Generator.Onnx.Operators
{
    /// <summary>Slice of an integer vector by one start and one end (opset 10 and later: starts and ends as inputs).</summary>
    internal sealed class SliceOperator : IntegerOperator
    {
        protected override long[]? Evaluate(OnnxNode node, List<long[]> inputs)
        {
            if (inputs.Count < 3 || inputs[1].Length != 1 || inputs[2].Length != 1) return null;
            long[] data = inputs[0];
            long start = Math.Max(0, Math.Min(data.Length, inputs[1][0] < 0 ? inputs[1][0] + data.Length : inputs[1][0]));
            long end = Math.Max(0, Math.Min(data.Length, inputs[2][0] < 0 ? inputs[2][0] + data.Length : inputs[2][0]));
            var sliced = new List<long>();
            for (long i = start; i < end; i++) sliced.Add(data[i]);
            return sliced.ToArray();
        }
    }
}
