using ModelGen.Generator.Onnx.Graph;

namespace ModelGen.Generator.Onnx.Operators
{
    /// <summary>
    /// Identity: <see cref="OnnxPasses.ResolveIdentities"/> makes its output another name for its input (weights that
    /// eval exports alias, or data), so it never reaches conversion; one with extra inputs or outputs passes its first
    /// input on.
    /// </summary>
    internal sealed class IdentityOperator : OnnxOperator
    {
        public override void Infer(OnnxNode node, OnnxValueTable values) => OnnxOperatorHelpers.SameAsInput(node, values);

        public override void Convert(OnnxNode node, OnnxConversion conversion) => conversion.Advance(node);
    }
}
