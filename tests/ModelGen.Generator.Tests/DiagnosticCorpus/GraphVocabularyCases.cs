namespace ModelGen.Generator.Tests.DiagnosticCorpus;

/// <summary>
/// Misuses of the graph vocabulary (named inputs, Add, Concatenate, BatchNormalization, Activation, the
/// pooling kinds, DepthwiseConv2D, blocks), marked as in <see cref="DiagnosticCases"/>.
/// </summary>
public static class GraphVocabularyCases
{
    public static IReadOnlyDictionary<string, string> All { get; } = new Dictionary<string, string>
    {
        // ---------------------------------------------------------------- valid, for contrast
        ["ResidualBlockFromABlock"] = """
            using ModelGen;

            [Block, Conv2D(Block.Filters, 3, Padding = Padding.Same, UseBias = false), BatchNormalization(Name = "Bn"),
             Add("Bn", Block.Input), Activation(Activation.ReLU)]
            public static class Basic;

            [Model, Input(8, 8, 4), Use(typeof(Basic), Filters = 4, Repeat = 2, Name = "Stage"), GlobalAveragePooling2D,
             Dense(2, Activation.Softmax)]
            public partial class Net;
            """,

        // ---------------------------------------------------------------- what a layer reads
        ["InputIsUnknown"] = """
            using ModelGen;

            [Model, Input(8), Dense(4, Name = "A"), {|MG0039:Dense(2, Input = "Missing")|}]
            public partial class Net;
            """,
        ["InputIsALaterLayer"] = """
            using ModelGen;

            [Model, Input(8), {|MG0039:Dense(4, Name = "A", Input = "B")|}, Dense(2, Name = "B")]
            public partial class Net;
            """,
        ["InputIsItself"] = """
            using ModelGen;

            [Model, Input(8), Dense(4, Name = "A"), {|MG0039:Dense(2, Name = "B", Input = "B")|}]
            public partial class Net;
            """,
        ["OutputNothingReads"] = """
            using ModelGen;

            [Model, Input(8), {|MG0040:Dense(4, Name = "Unused")|}, Dense(2, Input = "input", Activation.Softmax)]
            public partial class Net;
            """,
        ["LayerNamedLikeTheInput"] = """
            using ModelGen;

            [Model, Input(8), {|MG0047:Dense(4, Name = "input")|}, Dense(2)]
            public partial class Net;
            """,
        ["TwoLayersWithOneNameInAGraph"] = """
            using ModelGen;

            [Model, Input(8), Dense(4, Name = "A"), Dense(4, Name = "B", Input = "input"), {|MG0009:Add("A", "B", Name = "A")|}, Dense(2)]
            public partial class Net;
            """,

        // ---------------------------------------------------------------- Add and Concatenate
        ["AddOfDifferentShapes"] = """
            using ModelGen;

            [Model, Input(8), Dense(4, Name = "A"), Dense(5, Name = "B", Input = "input"), {|MG0041:Add("A", "B")|}, Dense(2)]
            public partial class Net;
            """,
        ["AddOfOneInput"] = """
            using ModelGen;

            [Model, Input(8), Dense(4, Name = "A"), {|MG0042:Add("A")|}, Dense(2)]
            public partial class Net;
            """,
        ["AddOfTheSameInputTwice"] = """
            using ModelGen;

            [Model, Input(8), Dense(4, Name = "A"), {|MG0042:Add("A", "A")|}, Dense(2)]
            public partial class Net;
            """,
        ["ConcatenateOfImagesOfDifferentSizes"] = """
            using ModelGen;

            [Model, Input(8, 8, 1), Conv2D(2, 3, Name = "Small"), Conv2D(2, 1, Name = "Large", Input = "input"),
             {|MG0041:Concatenate("Small", "Large")|}, Flatten, Dense(2)]
            public partial class Net;
            """,
        ["ConcatenateOfAnImageAndAVector"] = """
            using ModelGen;

            [Model, Input(4, 4, 1), Conv2D(2, 1, Name = "Image"), Flatten(Name = "Flat", Input = "input"),
             {|MG0041:Concatenate("Image", "Flat")|}, Flatten, Dense(2)]
            public partial class Net;
            """,

        // ---------------------------------------------------------------- BatchNormalization and activations
        ["BatchNormalizationMomentumAboveOne"] = """
            using ModelGen;

            [Model, Input(8), Dense(4), {|MG0043:BatchNormalization(Momentum = 1.5f)|}, Dense(2)]
            public partial class Net;
            """,
        ["BatchNormalizationMomentumNaN"] = """
            using ModelGen;

            [Model, Input(8), Dense(4), {|MG0043:BatchNormalization(Momentum = float.NaN)|}, Dense(2)]
            public partial class Net;
            """,
        ["BatchNormalizationEpsilonZero"] = """
            using ModelGen;

            [Model, Input(8), Dense(4), {|MG0043:BatchNormalization(Epsilon = 0f)|}, Dense(2)]
            public partial class Net;
            """,
        ["SoftmaxAsAnActivationLayer"] = """
            using ModelGen;

            [Model, Input(8), Dense(4), {|MG0048:Activation(Activation.Softmax)|}]
            public partial class Net;
            """,
        ["DepthwiseConvOnAFlatInput"] = """
            using ModelGen;

            [Model, Input(16), {|MG0020:DepthwiseConv2D(3)|}, Flatten, Dense(2)]
            public partial class Net;
            """,
        ["DepthwiseMultiplierZero"] = """
            using ModelGen;

            [Model, Input(6, 6, 2), {|MG0005:DepthwiseConv2D(3, DepthMultiplier = 0)|}, Flatten, Dense(2)]
            public partial class Net;
            """,
        ["GlobalAveragePoolingOfAVector"] = """
            using ModelGen;

            [Model, Input(16), Dense(4), {|MG0020:GlobalAveragePooling2D|}, Dense(2)]
            public partial class Net;
            """,
        ["AveragePoolLargerThanTheImage"] = """
            using ModelGen;

            [Model, Input(3, 3, 1), Conv2D(2, 1), {|MG0023:AveragePooling2D(4)|}, Flatten, Dense(2)]
            public partial class Net;
            """,

        // ---------------------------------------------------------------- blocks
        ["BlockThatUsesItself"] = """
            using ModelGen;

            [Block, Dense(4), {|MG0046:Use(typeof(Loop))|}]
            public static class Loop;

            [Model, Input(8), Use(typeof(Loop)), Dense(2)]
            public partial class Net;
            """,
        ["UseOfAClassThatIsNotABlock"] = """
            using ModelGen;

            public static class Plain;

            [Model, Input(8), {|MG0045:Use(typeof(Plain))|}, Dense(2)]
            public partial class Net;
            """,
        ["BlockPlaceholderOutsideABlock"] = """
            using ModelGen;

            [Model, Input(8), {|MG0044:Dense(Block.Filters)|}, Dense(2)]
            public partial class Net;
            """,
        ["BlockInputOutsideABlock"] = """
            using ModelGen;

            [Model, Input(8), Dense(4, Name = "A"), {|MG0039:Add("A", Block.Input)|}, Dense(2)]
            public partial class Net;
            """,
        ["UseWithoutFilters"] = """
            using ModelGen;

            [Block, {|MG0005:Dense(Block.Filters)|}]
            public static class Hidden;

            [Model, Input(8), Use(typeof(Hidden)), Dense(2)]
            public partial class Net;
            """,
        ["UseRepeatZero"] = """
            using ModelGen;

            [Block, Dense(Block.Filters)]
            public static class Hidden;

            [Model, Input(8), {|MG0005:Use(typeof(Hidden), Filters = 4, Repeat = 0)|}, Dense(2)]
            public partial class Net;
            """,
    };
}
