using System.Collections.Generic;
using ModelGen.Generator.Onnx.Graph;

namespace ModelGen.Generator.Onnx.Operators
{
    /// <summary>
    /// How ModelGen reads one ONNX operator: one subclass per operator, in a file named after it, registered in
    /// <see cref="OnnxOperators"/>. The mapper calls <see cref="Infer"/> on every node in topological order (shape
    /// inference: check the attributes and constant inputs, fill in the output values), then runs the folding passes
    /// (<see cref="OnnxPasses"/>), then calls <see cref="Convert"/> on every node that is left, in the same order
    /// (append the node's layers and parameters, in ModelGen's layouts). Each throws an
    /// <see cref="OnnxImportException"/> (<see cref="OnnxProblems"/>) for what ModelGen cannot import.
    /// </summary>
    internal abstract class OnnxOperator
    {
        /// <summary>
        /// Fills in <paramref name="node"/>'s output values in <paramref name="values"/>. Called only when the node's data
        /// input (<see cref="DataInputs"/>) has a known shape; a node that reads something shape inference could not
        /// follow is left to <see cref="Convert"/>, which reports it.
        /// </summary>
        public abstract void Infer(OnnxNode node, OnnxValueTable values);

        /// <summary>Appends the node's layers (or nothing, for a node that only changes the layout or folds away).</summary>
        public abstract void Convert(OnnxNode node, OnnxConversion conversion);

        /// <summary>
        /// The inputs that carry data (the others are weights and settings); by default the first ("" when the node has
        /// none, which no value is). <see cref="Infer"/> runs only when each of them is known data, and conversion only
        /// when each is computed from the graph's input. Operators whose inputs may be data or constants (Add, Concat,
        /// the integer operators) list none and check their inputs themselves.
        /// </summary>
        public virtual IEnumerable<string> DataInputs(OnnxNode node)
        {
            yield return node.Inputs.Count > 0 ? node.Inputs[0] : "";
        }

        /// <summary>
        /// Whether the node computes a constant (a Constant node, or the integer side-computation of a reshape's target
        /// shape): such nodes are evaluated by <see cref="Infer"/> and not part of the chain of layers.
        /// </summary>
        public virtual bool IsConstant(OnnxNode node, OnnxValueTable values) => false;
    }

    /// <summary>The operators ModelGen imports, by op_type.</summary>
    internal static class OnnxOperators
    {
        private static readonly Dictionary<string, OnnxOperator> ByType = new Dictionary<string, OnnxOperator>
        {
            ["Gemm"] = new GemmOperator(),
            ["MatMul"] = new MatMulOperator(),
            ["Add"] = new AddOperator(),
            ["Conv"] = new ConvOperator(),
            ["MaxPool"] = new MaxPoolOperator(),
            ["Relu"] = new ReluOperator(),
            ["LeakyRelu"] = new LeakyReluOperator(),
            ["Sigmoid"] = new SigmoidOperator(),
            ["Tanh"] = new TanhOperator(),
            ["Softmax"] = new SoftmaxOperator(),
            ["Flatten"] = new FlattenOperator(),
            ["Reshape"] = new ReshapeOperator(),
            ["Transpose"] = new TransposeOperator(),
            ["Dropout"] = new DropoutOperator(),
            ["Identity"] = new IdentityOperator(),
            ["Constant"] = new ConstantOperator(),
            ["Shape"] = new ShapeOperator(),
            ["Gather"] = new GatherOperator(),
            ["Unsqueeze"] = new UnsqueezeOperator(),
            ["Squeeze"] = new SqueezeOperator(),
            ["Concat"] = new ConcatOperator(),
            ["Cast"] = new CastOperator(),
            ["Slice"] = new SliceOperator(),
            ["ConstantOfShape"] = new ConstantOfShapeOperator(),
            ["BatchNormalization"] = new BatchNormalizationOperator(),
            ["GlobalAveragePool"] = new GlobalAveragePoolOperator(),
            ["ReduceMean"] = new ReduceMeanOperator(),
            ["AveragePool"] = new AveragePoolOperator(),
            ["Pad"] = new PadOperator(),
            ["Clip"] = new ClipOperator(),
        };

        /// <summary>The operator of a node's op_type in the default domain, or null when ModelGen does not import it.</summary>
        public static OnnxOperator? For(string opType) => ByType.TryGetValue(opType, out OnnxOperator? op) ? op : null;
    }
}
