using System.Collections.Generic;
using ModelGen.Generator.Onnx.Graph;

namespace ModelGen.Generator.Onnx.Operators
{
    /// <summary>
    /// ConstantOfShape with an integer value (or none: zeros), of a known shape: e.g. the zero pads F.pad adds for
    /// the dimensions it leaves alone.
    /// </summary>
    internal sealed class ConstantOfShapeOperator : IntegerOperator
    {
        protected override IntegerTensor? Evaluate(OnnxNode node, List<IntegerTensor> inputs)
        {
            long value = 0;
            if (node.Attribute("value")?.T is { } tensor)
            {
                // A float value makes a float tensor: only its zeros are the same as integers.
                long[]? integers = OnnxTensors.Integers(tensor);
                float[]? floats = integers is null ? OnnxTensors.Floats(tensor) : null;
                if (integers is { Length: 1 }) value = integers[0];
                else if (floats is not { Length: 1 } || floats[0] != 0f) return null;
            }
            long[] dims = inputs[0].Values;
            long count = 1;
            foreach (long dim in dims)
            {
                if (dim < 0 || dim > MaxValues) return null;
                count *= dim;
                if (count > MaxValues) return null;
            }
            var values = new long[count];
            for (long i = 0; i < count; i++) values[i] = value;
            return new IntegerTensor(values, dims);
        }
    }
}
