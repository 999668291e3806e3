using System;
using System.Collections.Generic;
using ModelGen.Generator.Onnx.Graph;

namespace ModelGen.Generator.Onnx.Operators
{
    /// <summary>An integer tensor known before run time: its values in C order and its dims.</summary>
    internal readonly struct IntegerTensor
    {
        public IntegerTensor(long[] values, long[] dims)
        {
            Values = values;
            Dims = dims;
        }

        public long[] Values { get; }

        public long[] Dims { get; }

        /// <summary>A vector (dims [length]).</summary>
        public static IntegerTensor Vector(long[] values) => new IntegerTensor(values, new long[] { values.Length });
    }

    /// <summary>
    /// An operator of the small integer computations that exporters write for a reshape's target shape (PyTorch's
    /// x.view(x.size(0), -1) is Shape → Gather → Unsqueeze → Concat → Reshape) or a Pad's pads (F.pad: ConstantOfShape,
    /// Concat, Reshape, Slice, Transpose, Reshape, Cast). Shape inference evaluates it when its inputs are known
    /// integers; it is then a constant, not part of the graph of layers.
    /// </summary>
    internal abstract class IntegerOperator : OnnxOperator
    {
        /// <summary>Inputs larger than this are not evaluated: integer side computations are a few values.</summary>
        public const int MaxValues = 1 << 16;

        /// <summary>The node's value from its inputs' values (vectors); null when it computes something else.</summary>
        protected virtual long[]? Evaluate(OnnxNode node, List<long[]> inputs) => null;

        /// <summary>The node's value from its inputs with their dims; by default <see cref="Evaluate"/>'s vector.</summary>
        protected virtual IntegerTensor? Evaluate(OnnxNode node, List<IntegerTensor> inputs)
        {
            var vectors = new List<long[]>(inputs.Count);
            foreach (IntegerTensor input in inputs) vectors.Add(input.Values);
            return Evaluate(node, vectors) is { } values ? IntegerTensor.Vector(values) : null;
        }

        public override IEnumerable<string> DataInputs(OnnxNode node) => Array.Empty<string>();

        public override bool IsConstant(OnnxNode node, OnnxValueTable values) =>
            OnnxOperatorHelpers.Output(node, values) is { Integers: not null };

        public override void Infer(OnnxNode node, OnnxValueTable values) => InferIntegers(node, values, Evaluate);

        /// <summary>Sets the node's output to <paramref name="evaluate"/>'s value of its known integer inputs (nothing if one is unknown).</summary>
        public static void InferIntegers(OnnxNode node, OnnxValueTable values, Func<OnnxNode, List<IntegerTensor>, IntegerTensor?> evaluate)
        {
            OnnxValue? output = OnnxOperatorHelpers.Output(node, values);
            if (output is null || node.Inputs.Count == 0) return;
            var inputs = new List<IntegerTensor>();
            foreach (string input in node.Inputs)
            {
                if (input.Length == 0) { inputs.Add(IntegerTensor.Vector(Array.Empty<long>())); continue; }
                long[]? known = values.Integers(input);
                if (known is null || known.Length > MaxValues) return;
                long[] dims = values.IntegerDims(input);
                if (OnnxTensors.ElementCount(new List<long>(dims)) != known.Length) dims = new long[] { known.Length };
                inputs.Add(new IntegerTensor(known, dims));
            }
            IntegerTensor? result = evaluate(node, inputs);
            if (result is not { } value || value.Values.Length > MaxValues) return;
            output.Integers = value.Values;
            output.IntegerDims = value.Dims.Length == 1 ? null : value.Dims;
        }

        /// <summary>Reached only when the node could not be evaluated.</summary>
        public override void Convert(OnnxNode node, OnnxConversion conversion) => Refuse(node, conversion);

        /// <summary>The problem of an integer operator that shape inference could not evaluate.</summary>
        public static void Refuse(OnnxNode node, OnnxConversion conversion)
        {
            // On data: an operator ModelGen does not import there.
            if (node.Inputs.Count == 0 || conversion.TensorOrNull(node.Inputs[0]) is not null) throw OnnxProblems.Operator(node.Proto, node.OpType);
            throw OnnxProblems.Node(node.Proto, "computes something other than a reshape's target shape or a Pad's pads",
                "ModelGen imports " + node.OpType + " only in the integer computation of a Reshape's shape or a Pad's pads");
        }
    }
}
