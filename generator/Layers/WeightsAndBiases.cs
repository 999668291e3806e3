using ModelGen.Generator.Emitting;

namespace ModelGen.Generator.Layers
{
    /// <summary>
    /// The W and b tensors that Dense and Conv2D layers share: their offsets in the flat buffers, their
    /// views, their initialisation, and the names of those members.
    /// </summary>
    internal static class WeightsAndBiases
    {
        public static readonly string[] MemberSuffixes =
        {
            "WeightsOffset", "WeightsLength", "BiasesOffset", "BiasesLength", "Weights", "Biases", "WeightGradients", "BiasGradients",
        };

        /// <summary>Writes the offset and length constants; W starts at <paramref name="parameterEnd"/>, which then moves past b.</summary>
        public static void WriteConstants(SourceWriter w, string name, string weightsLength, string biasesLength, ref string parameterEnd)
        {
            w.Line("public const int " + name + "WeightsOffset = " + parameterEnd + ";");
            w.Line("public const int " + name + "WeightsLength = " + weightsLength + ";");
            w.Line("public const int " + name + "BiasesOffset = " + name + "WeightsOffset + " + name + "WeightsLength;");
            w.Line("public const int " + name + "BiasesLength = " + biasesLength + ";");
            parameterEnd = name + "BiasesOffset + " + name + "BiasesLength";
        }

        public static void WriteViews(SourceWriter w, string name, string weightsShape, string biasesShape)
        {
            const string Span = "global::System.Span<float>";
            w.Line("/// <summary>" + name + "'s weights W, " + weightsShape + " row-major: a view into Parameters.</summary>");
            w.Line("public " + Span + " " + name + "Weights => Parameters.AsSpan(" + name + "WeightsOffset, " + name + "WeightsLength);");
            w.Line("/// <summary>" + name + "'s biases b, " + biasesShape + ": a view into Parameters.</summary>");
            w.Line("public " + Span + " " + name + "Biases => Parameters.AsSpan(" + name + "BiasesOffset, " + name + "BiasesLength);");
            w.Line("/// <summary>dLoss/d" + name + "Weights: a view into Gradients.</summary>");
            w.Line("public " + Span + " " + name + "WeightGradients => Gradients.AsSpan(" + name + "WeightsOffset, " + name + "WeightsLength);");
            w.Line("/// <summary>dLoss/d" + name + "Biases: a view into Gradients.</summary>");
            w.Line("public " + Span + " " + name + "BiasGradients => Gradients.AsSpan(" + name + "BiasesOffset, " + name + "BiasesLength);");
            w.Line();
        }

        /// <summary>Glorot-uniform W with the given fans (Keras' default), zero b (Keras' default).</summary>
        public static void WriteInitialization(SourceWriter w, string name, string fanIn, string fanOut)
        {
            w.Line("global::ModelGen.Initializers.GlorotUniform(" + name + "Weights, " + fanIn + ", " + fanOut + ", ref random);");
            w.Line("global::ModelGen.Initializers.Zeros(" + name + "Biases);");
        }

        /// <summary>After a layer's description: nothing, or that it has no bias.</summary>
        public static string NoBiasSuffix(bool hasBias) => hasBias ? "" : ", no bias";

        /// <summary>Inside a layer's spec token: nothing (so the specs of layers with a bias stay as they were), or ",nobias".</summary>
        public static string NoBiasToken(bool hasBias) => hasBias ? "" : ",nobias";

        /// <summary>The backward comment of a layer without a bias.</summary>
        public const string NoBiasComment = "//   no db: the layer has no bias (b stays 0, as in the file), so its gradient is 0 and optimizers leave it at 0";

        /// <summary>The bias tensor as saved: [units], the same in PyTorch; named savedName.bias (the layer's name unless imported).</summary>
        public static string SavedBiases(string name, string savedName) =>
            "new global::ModelGen.Serialization.TensorLayout(\"" + savedName + ".bias\", " + name + "BiasesOffset, " + name + "BiasesLength)";
    }
}
