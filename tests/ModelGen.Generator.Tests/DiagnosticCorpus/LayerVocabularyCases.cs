namespace ModelGen.Generator.Tests.DiagnosticCorpus;

/// <summary>
/// Misuses of the layer vocabulary (images, Conv2D, MaxPool2D, Flatten, Dropout), marked as in
/// <see cref="DiagnosticCases"/>. A layer that cannot be resolved stops the shape checks after it, so
/// each case shows one problem where the user made it.
/// </summary>
public static class LayerVocabularyCases
{
    public static IReadOnlyDictionary<string, string> All { get; } = new Dictionary<string, string>
    {
        // ---------------------------------------------------------------- valid, for contrast
        ["ConvNetWithEveryKind"] = """
            using ModelGen;

            [Model, Input(12, 10, 3), Conv2D(4, 3, Activation.ReLU, Padding = Padding.Same), MaxPool2D(2),
             Conv2D(6, 3, 2, Activation.LeakyReLU, Stride = 2, Slope = 0.1f), Flatten, Dropout(0.25), Dense(5, Activation.Softmax)]
            public partial class Net;
            """,
        ["SamePaddingLetsAKernelLargerThanTheImageFit"] = """
            using ModelGen;

            [Model, Input(3, 3, 1), Conv2D(2, 5, Padding = Padding.Same), Flatten, Dense(2)]
            public partial class Net;
            """,

        // Parameter-free layers first: no layer before them has parameters, so no gradient flows to them.
        ["FlattenFirst"] = """
            using ModelGen;

            [Model, Input(6, 5, 2), Flatten, Dense(3, Activation.Softmax)]
            public partial class Net;
            """,
        ["DropoutFirst"] = """
            using ModelGen;

            [Model(Loss = Loss.MeanSquaredError), Input(8), Dropout(0.2), Dense(2, Activation.Tanh)]
            public partial class Net;
            """,
        ["PoolFirstAndLast"] = """
            using ModelGen;

            [Model(Loss = Loss.MeanSquaredError), Input(8, 8, 2), MaxPool2D(2), Conv2D(3, 3, Activation.ReLU, Padding = Padding.Same), MaxPool2D(2, Stride = 1)]
            public partial class Net;
            """,

        // ---------------------------------------------------------------- shapes
        ["ConvOnFlatInput"] = """
            using ModelGen;

            [Model, Input(16), {|MG0020:Conv2D(4, 3)|}, Flatten, Dense(2)]
            public partial class Net;
            """,
        ["PoolAfterDense"] = """
            using ModelGen;

            [Model, Input(16), Dense(8), {|MG0020:MaxPool2D(2)|}, Dense(2)]
            public partial class Net;
            """,
        ["DenseOnConvOutputWithoutFlatten"] = """
            using ModelGen;

            [Model, Input(8, 8, 1), Conv2D(4, 3), {|MG0021:Dense(2)|}]
            public partial class Net;
            """,
        ["DenseOnImageInput"] = """
            using ModelGen;

            [Model, Input(8, 8, 1), {|MG0021:Dense(2)|}]
            public partial class Net;
            """,
        ["TwoFlattens"] = """
            using ModelGen;

            [Model, Input(8, 8, 1), Conv2D(4, 3), Flatten, {|MG0022:Flatten|}, Dense(2)]
            public partial class Net;
            """,
        ["FlattenOfFlatInput"] = """
            using ModelGen;

            [Model, Input(16), {|MG0022:Flatten|}, Dense(2)]
            public partial class Net;
            """,
        ["KernelLargerThanImage"] = """
            using ModelGen;

            [Model, Input(4, 4, 1), {|MG0023:Conv2D(2, 5)|}, Flatten, Dense(2)]
            public partial class Net;
            """,
        ["KernelTallerThanImage"] = """
            using ModelGen;

            [Model, Input(4, 9, 1), {|MG0023:Conv2D(2, 5, 3)|}, Flatten, Dense(2)]
            public partial class Net;
            """,
        ["PoolLargerThanWhatIsLeft"] = """
            using ModelGen;

            [Model, Input(6, 6, 1), Conv2D(2, 3), MaxPool2D(2), {|MG0023:MaxPool2D(3)|}, Flatten, Dense(2)]
            public partial class Net;
            """,
        ["OnlyParameterFreeLayers"] = """
            using ModelGen;

            [Model, Input(4, 4, 1), MaxPool2D(2), Flatten]
            public partial class {|MG0028:Net|};
            """,
        ["ImageTooLargeForAnArray"] = """
            using ModelGen;

            [Model, {|MG0029:Input(50000, 50000, 1)|}, Flatten, Dense(2)]
            public partial class Net;
            """,
        ["PatchMatrixTooLargeForAnArray"] = """
            using ModelGen;

            [Model, Input(1000, 1000, 64), {|MG0029:Conv2D(8, 7)|}, Flatten, Dense(2)]
            public partial class Net;
            """,

        // ---------------------------------------------------------------- sizes, strides and rates
        ["ZeroFilters"] = """
            using ModelGen;

            [Model, Input(8, 8, 1), {|MG0005:Conv2D(0, 3)|}, Flatten, Dense(2)]
            public partial class Net;
            """,
        ["ZeroKernel"] = """
            using ModelGen;

            [Model, Input(8, 8, 1), {|MG0005:Conv2D(2, 0)|}, Flatten, Dense(2)]
            public partial class Net;
            """,
        ["NegativeKernelWidth"] = """
            using ModelGen;

            [Model, Input(8, 8, 1), {|MG0005:Conv2D(2, 3, -1)|}, Flatten, Dense(2)]
            public partial class Net;
            """,
        ["ZeroPool"] = """
            using ModelGen;

            [Model, Input(8, 8, 1), {|MG0005:MaxPool2D(0)|}, Flatten, Dense(2)]
            public partial class Net;
            """,
        ["ZeroImageHeight"] = """
            using ModelGen;

            [Model, {|MG0005:Input(0, 4, 1)|}, Flatten, Dense(2)]
            public partial class Net;
            """,
        ["ConvStrideZero"] = """
            using ModelGen;

            [Model, Input(8, 8, 1), {|MG0026:Conv2D(2, 3, Stride = 0)|}, Flatten, Dense(2)]
            public partial class Net;
            """,
        ["PoolStrideNegative"] = """
            using ModelGen;

            [Model, Input(8, 8, 1), {|MG0026:MaxPool2D(2, Stride = -1)|}, Flatten, Dense(2)]
            public partial class Net;
            """,
        ["DropoutRateOne"] = """
            using ModelGen;

            [Model, Input(8), {|MG0024:Dropout(1.0)|}, Dense(2)]
            public partial class Net;
            """,
        ["DropoutRateNegative"] = """
            using ModelGen;

            [Model, Input(8), {|MG0024:Dropout(-0.25)|}, Dense(2)]
            public partial class Net;
            """,
        ["DropoutRateNaN"] = """
            using ModelGen;

            [Model, Input(8), {|MG0024:Dropout(double.NaN)|}, Dense(2)]
            public partial class Net;
            """,
        ["DropoutLast"] = """
            using ModelGen;

            [Model, Input(8), Dense(4), {|MG0025:Dropout(0.5)|}]
            public partial class Net;
            """,

        // ---------------------------------------------------------------- activations, loss, enums
        ["ConvWithSoftmax"] = """
            using ModelGen;

            [Model, Input(4, 4, 1), {|MG0027:Conv2D(2, 3, Activation.Softmax)|}]
            public partial class Net;
            """,
        ["ConvSoftmaxBeforeOtherLayers"] = """
            using ModelGen;

            [Model, Input(6, 6, 1), {|MG0027:Conv2D(2, 3, Activation.Softmax)|}, Flatten, Dense(2, Activation.Softmax)]
            public partial class Net;
            """,
        ["ConvNegativeSlope"] = """
            using ModelGen;

            [Model, Input(6, 6, 1), {|MG0017:Conv2D(2, 3, Activation.LeakyReLU, Slope = -1f)|}, Flatten, Dense(2)]
            public partial class Net;
            """,
        ["CrossEntropyOnConvOutput"] = """
            using ModelGen;

            [{|MG0008:Model(Loss = Loss.SparseCategoricalCrossEntropy)|}, Input(4, 4, 1), Conv2D(2, 3)]
            public partial class Net;
            """,
        ["UndefinedPadding"] = """
            using ModelGen;

            [Model, Input(6, 6, 1), {|MG0016:Conv2D(2, 3, Padding = (Padding)7)|}, Flatten, Dense(2)]
            public partial class Net;
            """,

        // ---------------------------------------------------------------- names and declarations
        ["DefaultConvNameTakenByANamedLayer"] = """
            using ModelGen;

            [Model, Input(8, 8, 1), Conv2D(2, 3), {|MG0009:Conv2D(2, 3, Name = "Conv1")|}, Flatten, Dense(2)]
            public partial class Net;
            """,
        ["ConvFiltersFromStaticField"] = """
            using ModelGen;

            public static class Sizes { public static int Filters = 4; }

            [Model, Input(8, 8, 1), {|MG0010:Conv2D(Sizes.Filters, 3)|}, Flatten, Dense(2)]
            public partial class Net;
            """,
        ["DropoutRateAsString"] = """
            using ModelGen;

            [Model, Input(8), {|MG0010:Dropout("half")|}, Dense(2)]
            public partial class Net;
            """,
        ["ConvOnAnotherPartialDeclaration"] = """
            using ModelGen;

            [Model, Input(8, 8, 1), Flatten, Dense(2)]
            public partial class Net;

            [{|MG0015:Conv2D(2, 3)|}]
            public partial class Net;
            """,
        ["LayersWithoutModel"] = """
            using ModelGen;

            [Input(4), Dense(2)]
            public partial class {|MG0019:Net|};
            """,
        ["ConvFirstWithoutModel"] = """
            using ModelGen;

            [Conv2D(2, 3), MaxPool2D(2)]
            [Input(8, 8, 1)]
            public partial class {|MG0019:Net|};
            """,
        ["LayersWithoutModelOnTwoDeclarations"] = """
            using ModelGen;

            [Input(4)]
            public partial class {|MG0019:Net|};

            [Dense(2)]
            public partial class Net;
            """,
    };
}
