using ModelGen.Generator.Layers;
using ModelGen.Generator.Model;
using ModelGen.Generator.Onnx.Graph;

namespace ModelGen.Generator.Onnx.Operators
{
    /// <summary>
    /// An element-wise activation. <see cref="OnnxPasses.FoldActivations"/> folds it into the Gemm, MatMul (with its Add)
    /// or Conv right before it when nothing else reads that layer's output (or through a MaxPool right after a Conv);
    /// otherwise (after an Add, a BatchNormalization, on the input) it becomes an Activation layer of its own.
    /// </summary>
    internal abstract class ActivationOperator : OnnxOperator
    {
        /// <summary>The activation the node computes (checking its attributes and constant inputs).</summary>
        public abstract ActivationSpec Activation(OnnxNode node, OnnxValueTable values);

        /// <summary>
        /// Whether max(f(a), f(b)) = f(max(a, b)), so that f after a max pool equals f before it (padding never wins a
        /// max pool): true of every non-decreasing activation.
        /// </summary>
        public virtual bool Monotone => true;

        public override void Infer(OnnxNode node, OnnxValueTable values)
        {
            Activation(node, values);
            OnnxOperatorHelpers.SameAsInput(node, values);
        }

        public override void Convert(OnnxNode node, OnnxConversion conversion)
        {
            if (node.FoldedInto is null)
            {
                Shape shape = conversion.Values[node.Inputs[0]].Shape!.Value;
                conversion.Add(new ActivationLayerSpec(conversion.LayerNameOfNode(ActivationLayer.Instance, node), shape, shape,
                    Activation(node, conversion.Values)));
            }
            conversion.Advance(node);
        }
    }
}
