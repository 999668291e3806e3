namespace ModelGen.Generator.Tests.DiagnosticCorpus;

/// <summary>
/// Malformed model declarations, by name. Each marks the MG diagnostics it must get where they must
/// point: <c>{|MG0001:Net|}</c> expects MG0001 exactly on "Net". A case without marks expects none.
/// The last group does not compile at all: the generator must cope without throwing.
/// </summary>
public static class DiagnosticCases
{
    /// <summary>Every case: the ones below and the layer vocabulary's (<see cref="LayerVocabularyCases"/>) and the graph vocabulary's (<see cref="GraphVocabularyCases"/>).</summary>
    public static IReadOnlyDictionary<string, string> All { get; } =
        Core().Concat(LayerVocabularyCases.All).Concat(GraphVocabularyCases.All).ToDictionary(c => c.Key, c => c.Value);

    private static Dictionary<string, string> Core() => new()
    {
        // ---------------------------------------------------------------- declaration
        ["NotPartial"] = """
            using ModelGen;

            [Model, Input(4), Dense(2)]
            public class {|MG0001:Net|};
            """,
        ["ContainingTypeNotPartial"] = """
            using ModelGen;

            public class {|MG0001:Outer|}
            {
                [Model, Input(4), Dense(2)]
                public partial class Net;
            }
            """,
        ["SeveralContainingTypesNotPartial"] = """
            using ModelGen;

            public class {|MG0001:Outer|}
            {
                public partial class Middle
                {
                    internal class {|MG0001:Inner|}
                    {
                        [Model, Input(4), Dense(2)]
                        public class {|MG0001:Net|};
                    }
                }
            }
            """,
        ["GenericClass"] = """
            using ModelGen;

            [Model, Input(4), Dense(2)]
            public partial class {|MG0012:Net|}<T>;
            """,
        ["GenericContainingType"] = """
            using ModelGen;

            public partial class Outer<T>
            {
                [Model, Input(4), Dense(2)]
                public partial class {|MG0012:Net|};
            }
            """,
        ["StaticClass"] = """
            using ModelGen;

            [Model, Input(4), Dense(2)]
            public static partial class {|MG0014:Net|};
            """,
        ["Record"] = """
            using ModelGen;

            [Model, Input(4), Dense(2)]
            public partial record {|MG0013:Net|};
            """,
        ["RecordStruct"] = """
            using ModelGen;

            [Model, Input(4), Dense(2)]
            public partial record struct {|MG0013:Net|};
            """,
        ["Struct"] = """
            using ModelGen;

            [Model, Input(4), Dense(2)]
            public partial struct {|MG0013:Net|};
            """,
        ["Interface"] = """
            using ModelGen;

            [Model, Input(4), Dense(2)]
            public partial interface {|MG0013:INet|};
            """,
        ["LayersOnAnotherPartialDeclaration"] = """
            using ModelGen;

            [Model, Input(4)]
            public partial class Net;

            [{|MG0015:Dense(8, Activation.ReLU)|}, {|MG0015:Dense(2)|}]
            public partial class Net;
            """,
        ["InputOnAnotherPartialDeclaration"] = """
            using ModelGen;

            [{|MG0015:Input(4)|}]
            public partial class Net;

            [Model, Dense(2)]
            public partial class Net;
            """,

        // ---------------------------------------------------------------- input and layers
        ["NoInput"] = """
            using ModelGen;

            [Model, Dense(2)]
            public partial class {|MG0002:Net|};
            """,
        ["TwoInputs"] = """
            using ModelGen;

            [Model, Input(4), {|MG0003:Input(8)|}, Dense(2)]
            public partial class Net;
            """,
        ["NoDense"] = """
            using ModelGen;

            [Model, Input(4)]
            public partial class {|MG0004:Net|};
            """,
        ["NoInputNoDense"] = """
            using ModelGen;

            [Model]
            public partial class {|MG0002,MG0004:Net|};
            """,
        ["InputSizeZero"] = """
            using ModelGen;

            [Model, {|MG0005:Input(0)|}, Dense(2)]
            public partial class Net;
            """,
        ["InputSizeNegative"] = """
            using ModelGen;

            [Model, {|MG0005:Input(-784)|}, Dense(2)]
            public partial class Net;
            """,
        ["UnitsZero"] = """
            using ModelGen;

            [Model, Input(4), {|MG0005:Dense(0)|}]
            public partial class Net;
            """,
        ["UnitsNegative"] = """
            using ModelGen;

            [Model, Input(4), Dense(8, Activation.ReLU, Name = "Hidden"), {|MG0005:Dense(-10, Activation.Softmax, Name = "Output")|}]
            public partial class Net;
            """,
        ["ParameterCountOverflow"] = """
            using ModelGen;

            [Model, Input(100000), {|MG0006:Dense(100000)|}]
            public partial class Net;
            """,
        ["ParameterCountOverflowAcrossLayers"] = """
            using ModelGen;

            [Model]
            [Input(40000)]
            [Dense(40000, Activation.ReLU, Name = "Wide")]
            [{|MG0006:Dense(20000, Activation.ReLU, Name = "Wider")|}]
            [Dense(10, Activation.Softmax)]
            public partial class Net;
            """,
        ["SoftmaxNotLast"] = """
            using ModelGen;

            [Model, Input(4), {|MG0007:Dense(8, Activation.Softmax)|}, Dense(2, Activation.Softmax)]
            public partial class Net;
            """,
        ["CrossEntropyWithoutSoftmax"] = """
            using ModelGen;

            [{|MG0008:Model(Loss = Loss.SparseCategoricalCrossEntropy)|}]
            [Input(4)]
            [Dense(3, Activation.Sigmoid)]
            public partial class Net;
            """,
        ["MeanSquaredErrorWithSoftmax"] = """
            using ModelGen;

            [{|MG0008:Model(Loss = Loss.MeanSquaredError)|}]
            [Input(4)]
            [Dense(3, Activation.Softmax)]
            public partial class Net;
            """,
        ["DuplicateLayerNames"] = """
            using ModelGen;

            [Model, Input(4)]
            [Dense(8, Activation.ReLU, Name = "Hidden")]
            [{|MG0009:Dense(8, Activation.ReLU, Name = "Hidden")|}]
            [Dense(2)]
            public partial class Net;
            """,
        ["NameClashesWithDefaultName"] = """
            using ModelGen;

            [Model, Input(4), Dense(8, Activation.ReLU, Name = "Dense2"), {|MG0009:Dense(2)|}]
            public partial class Net;
            """,
        ["LayerNameStartsWithDigit"] = """
            using ModelGen;

            [Model, Input(4), {|MG0011:Dense(2, Name = "1abc")|}]
            public partial class Net;
            """,
        ["LayerNameIsKeyword"] = """
            using ModelGen;

            [Model, Input(4), {|MG0011:Dense(2, Name = "class")|}]
            public partial class Net;
            """,
        ["LayerNameHasSpace"] = """
            using ModelGen;

            [Model, Input(4), {|MG0011:Dense(2, Name = "a b")|}]
            public partial class Net;
            """,
        ["LayerNameEmpty"] = """
            using ModelGen;

            [Model, Input(4), {|MG0011:Dense(2, Name = "")|}]
            public partial class Net;
            """,

        // ---------------------------------------------------------------- argument values
        ["InputSizeFromStaticField"] = """
            using ModelGen;

            public static class Sizes
            {
                public static int Features = 4;
            }

            [Model, {|MG0010:Input(Sizes.Features)|}, Dense(2)]
            public partial class Net;
            """,
        ["UnitsFromMethodCall"] = """
            using ModelGen;

            public static class Sizes
            {
                public static int Units() => 2;
            }

            [Model, Input(4), {|MG0010:Dense(Sizes.Units())|}]
            public partial class Net;
            """,
        ["SlopeFromStaticReadonlyField"] = """
            using ModelGen;

            public static class Settings
            {
                public static readonly float Slope = 0.1f;
            }

            [Model, Input(4), {|MG0010:Dense(2, Activation.LeakyReLU, Slope = Settings.Slope)|}]
            public partial class Net;
            """,
        ["LossFromStaticField"] = """
            using ModelGen;

            public static class Settings
            {
                public static Loss Loss = Loss.MeanSquaredError;
            }

            [{|MG0010:Model(Loss = Settings.Loss)|}, Input(4), Dense(2)]
            public partial class Net;
            """,
        ["UndefinedActivation"] = """
            using ModelGen;

            [Model, Input(4), {|MG0016:Dense(2, (Activation)42)|}]
            public partial class Net;
            """,
        ["UndefinedLoss"] = """
            using ModelGen;

            [{|MG0016:Model(Loss = (Loss)7)|}, Input(4), Dense(2)]
            public partial class Net;
            """,
        ["NegativeSlope"] = """
            using ModelGen;

            [Model, Input(4), {|MG0017:Dense(2, Activation.LeakyReLU, Slope = -0.5f)|}]
            public partial class Net;
            """,
        ["NaNSlope"] = """
            using ModelGen;

            [Model, Input(4), {|MG0017:Dense(2, Activation.LeakyReLU, Slope = float.NaN)|}]
            public partial class Net;
            """,
        ["InfiniteSlope"] = """
            using ModelGen;

            [Model, Input(4), {|MG0017:Dense(2, Activation.LeakyReLU, Slope = float.PositiveInfinity)|}]
            public partial class Net;
            """,
        ["MemberNamedLikeGeneratedProperty"] = """
            using ModelGen;

            [Model, Input(4), Dense(2)]
            public partial class Net
            {
                public int {|MG0018:Parameters|} => 3;
            }
            """,
        ["FieldNamedLikeLayerMember"] = """
            using ModelGen;

            [Model, Input(4), Dense(2, Name = "Hidden")]
            public partial class Net
            {
                private readonly float[] {|MG0018:HiddenWeights|} = new float[8];
            }
            """,
        ["UserParameterlessConstructor"] = """
            using ModelGen;

            [Model, Input(4), Dense(2)]
            public partial class Net
            {
                public {|MG0018:Net|}() { }
            }
            """,
        ["ClassNamedLikeGeneratedMember"] = """
            using ModelGen;

            [Model, Input(4), Dense(2)]
            public partial class {|MG0018:Workspace|};
            """,
        ["OverloadOfGeneratedMethodIsAllowed"] = """
            using ModelGen;

            [Model, Input(4), Dense(2)]
            public partial class Net
            {
                public Net(int seed) : this((ulong)seed) { }
                public void Predict(float[] input, float[] output) => Predict((System.ReadOnlySpan<float>)input, (System.Span<float>)output);
            }
            """,
        ["SeveralProblemsAtOnce"] = """
            using ModelGen;

            [Model(Loss = Loss.MeanSquaredError)]
            [{|MG0005:Input(0)|}]
            [{|MG0007:Dense(8, Activation.Softmax, Name = "Hidden")|}]
            [{|MG0009:Dense(8, Activation.ReLU, Name = "Hidden")|}]
            [{|MG0011:Dense(2, Name = "out put")|}]
            public class {|MG0001:Net|};
            """,

        // ---------------------------------------------------------------- code that does not compile
        ["MissingSemicolons"] = """
            using ModelGen

            [Model, Input(4), Dense(2)]
            public partial class Net
            {
                private int _x = 1
                public void M() { var y = 2 }
            }
            """,
        ["UnknownTypeInAttributeArgument"] = """
            using ModelGen;

            [Model, {|MG0010:Input(Unknown.Size)|}, Dense(2)]
            public partial class Net;
            """,
        ["UnknownActivation"] = """
            using ModelGen;

            [Model, Input(4), {|MG0010:Dense(2, Activation.Swish)|}]
            public partial class Net;
            """,
        ["MisspelledAttribute"] = """
            using ModelGen;

            [Model, Inptu(4), Dense(2)]
            public partial class {|MG0002:Net|};
            """,
        ["DenseWithStringArgument"] = """
            using ModelGen;

            [Model, Input(4), {|MG0010:Dense("x")|}]
            public partial class Net;
            """,
        ["InputWithoutArguments"] = """
            using ModelGen;

            [Model, {|MG0010:Input|}, Dense(2)]
            public partial class Net;
            """,
        ["NameOfWrongType"] = """
            using ModelGen;

            [Model, Input(4), {|MG0010:Dense(2, Name = 5)|}]
            public partial class Net;
            """,
        // The compiler reports CS0266 but still gives the argument its float value, so the model is read.
        ["SlopeAsDouble"] = """
            using ModelGen;

            [Model, Input(4), Dense(2, Activation.LeakyReLU, Slope = 0.5)]
            public partial class Net;
            """,
        ["ModelWithConstructorArgument"] = """
            using ModelGen;

            [{|MG0010:Model(3)|}, Input(4), Dense(2)]
            public partial class Net;
            """,
        ["UnterminatedClass"] = """
            using ModelGen;

            [Model, Input(4), Dense(2)]
            public partial class Net
            {
                public void Train() {
            """,
        ["UnterminatedAttributeList"] = """
            using ModelGen;

            [Model, Input(4), Dense(2)
            public partial class Net;
            """,
        ["ClassWithoutName"] = """
            using ModelGen;

            [Model, Input(4), Dense(2)]
            public partial class
            {
            }
            """,
        ["ModelOnTwoPartialDeclarations"] = """
            using ModelGen;

            [Model, Input(4), Dense(2)]
            public partial class Net;

            [Model]
            public partial class Net;
            """,
        ["ModelOnMethod"] = """
            using ModelGen;

            public partial class Net
            {
                [Model, Input(4), Dense(2)]
                public void Train() { }
            }
            """,
        ["SameModelNameAsNamespaceAndNestedType"] = """
            using ModelGen;

            namespace A
            {
                public partial class B
                {
                    [Model, Input(4), Dense(2)]
                    public partial class C;
                }
            }

            namespace A.B
            {
                [Model, Input(4), Dense(2)]
                public partial class C;
            }
            """,
    };
}
