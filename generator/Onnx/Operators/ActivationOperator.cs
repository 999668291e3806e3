using ModelGen.Generator.Layers;
using ModelGen.Generator.Onnx.Graph;

namespace ModelGen.Generator.Onnx.Operators
{
    /// <summary>
    /// An element-wise activation. ModelGen has no activation layer: <see cref="OnnxPasses.FoldActivations"/> folds it into
    /// the Gemm, MatMul (with its Add) or Conv right before it, or through a MaxPool right after a Conv; what is left is refused.
    /// </summary>
    internal abstract class ActivationOperator : OnnxOperator
    {
        /// <summary>The activation the node computes (checking its attributes).</summary>
        public abstract ActivationSpec Activation(OnnxNode node);

        /// <summary>
        /// Whether max(f(a), f(b)) = f(max(a, b)), so that f after a max pool equals f before it (padding never wins a
        /// max pool): true of every non-decreasing activation.
        /// </summary>
        public virtual bool Monotone => true;

        public override void Infer(OnnxNode node, OnnxValueTable values)
        {
            Activation(node);
            OnnxOperatorHelpers.SameAsInput(node, values);
        }

        public override void Convert(OnnxNode node, OnnxConversion conversion)
        {
            if (node.FoldedInto is null)
                throw OnnxProblems.Node(node.Proto, "does not directly follow a Gemm, MatMul (with its Add) or Conv",
                    "ModelGen imports an activation as part of the layer before it, so it must come right after one (or after a MaxPool right after a Conv)");
            conversion.Advance(node);
        }
    }
}
