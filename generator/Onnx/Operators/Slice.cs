using System;
using System.Collections.Generic;
using ModelGen.Generator.Onnx.Graph;

namespace ModelGen.Generator.Onnx.Operators
{
    /// <summary>
    /// Slice of an integer tensor (opset 10 and later: starts, ends, axes and steps as inputs), e.g. the batch size from
    /// a Shape, or F.pad's reversal of its pad pairs (step −1 along axis 0).
    /// </summary>
    internal sealed class SliceOperator : IntegerOperator
    {
        protected override IntegerTensor? Evaluate(OnnxNode node, List<IntegerTensor> inputs)
        {
            if (inputs.Count < 3) return null;
            IntegerTensor data = inputs[0];
            long[] starts = inputs[1].Values, ends = inputs[2].Values;
            int rank = data.Dims.Length;
            if (rank == 0 || starts.Length != ends.Length || starts.Length > rank) return null;
            long[] axes = inputs.Count > 3 && inputs[3].Values.Length > 0 ? inputs[3].Values : Range(starts.Length);
            long[] steps = inputs.Count > 4 && inputs[4].Values.Length > 0 ? inputs[4].Values : Ones(starts.Length);
            if (axes.Length != starts.Length || steps.Length != starts.Length) return null;

            // The indices each axis keeps (all of them for the axes not sliced).
            var kept = new List<long>[rank];
            for (int a = 0; a < rank; a++) kept[a] = new List<long>(Range((int)data.Dims[a]));
            for (int i = 0; i < axes.Length; i++)
            {
                long axis = axes[i] < 0 ? axes[i] + rank : axes[i];
                if (axis < 0 || axis >= rank || steps[i] == 0) return null;
                long dim = data.Dims[axis], step = steps[i];
                long start = starts[i] < 0 ? starts[i] + dim : starts[i];
                long end = ends[i] < 0 ? ends[i] + dim : ends[i];
                // ONNX clamps to [0, dim] going forwards and to [-1, dim - 1] going backwards.
                start = step > 0 ? Clamp(start, 0, dim) : Clamp(start, 0, dim - 1);
                end = step > 0 ? Clamp(end, 0, dim) : Clamp(end, -1, dim - 1);
                var indices = new List<long>();
                for (long k = start; step > 0 ? k < end : k > end; k += step) indices.Add(k);
                kept[axis] = indices;
            }
            var dims = new long[rank];
            for (int a = 0; a < rank; a++) dims[a] = kept[a].Count;
            var values = new List<long>();
            Gather(data, kept, 0, 0, values);
            return new IntegerTensor(values.ToArray(), dims);
        }

        /// <summary>Appends, in C order, the kept elements below axis <paramref name="axis"/> at flat offset <paramref name="offset"/>.</summary>
        private static void Gather(IntegerTensor data, List<long>[] kept, int axis, long offset, List<long> values)
        {
            if (axis == data.Dims.Length)
            {
                values.Add(data.Values[offset]);
                return;
            }
            foreach (long index in kept[axis]) Gather(data, kept, axis + 1, offset * data.Dims[axis] + index, values);
        }

        private static long Clamp(long value, long low, long high) => Math.Max(low, Math.Min(high, value));

        private static long[] Range(int count)
        {
            var range = new long[count];
            for (int i = 0; i < count; i++) range[i] = i;
            return range;
        }

        private static long[] Ones(int count)
        {
            var ones = new long[count];
            for (int i = 0; i < count; i++) ones[i] = 1;
            return ones;
        }
    }
}
