using System.Collections.Generic;
using ModelGen.Generator.Onnx.Graph;

namespace ModelGen.Generator.Onnx.Operators
{
    /// <summary>Unsqueeze of an integer vector: the same values (a scalar and a one-element vector hold the same).</summary>
    internal sealed class UnsqueezeOperator : IntegerOperator
    {
        protected override long[]? Evaluate(OnnxNode node, List<long[]> inputs) => inputs[0];
    }
}
