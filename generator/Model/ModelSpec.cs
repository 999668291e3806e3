using ModelGen.Generator.Layers;

namespace ModelGen.Generator.Model
{
    /// <summary>Mirrors ModelGen.Loss.</summary>
    internal enum LossKind
    {
        Auto = 0,
        SparseCategoricalCrossEntropy = 1,
        MeanSquaredError = 2,
    }

    /// <summary>A type that contains the model class, outermost first, e.g. "partial class Outer".</summary>
    internal sealed record ContainingType(string Keyword, string Name);

    /// <summary>
    /// Everything the emitter needs to write one model, and nothing from Roslyn's object model, so
    /// equal declarations give equal specs and the pipeline caches across edits. Every layer is
    /// resolved: it knows the shapes it reads and writes.
    /// </summary>
    internal sealed record ModelSpec(
        string? Namespace,
        EquatableArray<ContainingType> ContainingTypes,
        string ClassName,
        Shape Input,
        EquatableArray<LayerSpec> Layers,
        LossKind Loss,
        ImportSpec? Import = null,
        string InputName = "input")
    {
        public LayerSpec Output => Layers[Layers.Count - 1];

        /// <summary>
        /// The hint name of the generated file: unique per fully qualified class. Nested types are
        /// joined with '+' (as in reflection names), so class C in class A.B and class C in namespace
        /// A.B get different files even in code that does not compile; two files with one hint name
        /// would make the generator fail.
        /// </summary>
        public string HintName
        {
            get
            {
                string name = Namespace is null ? "" : Namespace + ".";
                foreach (ContainingType type in ContainingTypes) name += type.Name + "+";
                return name + ClassName + ".g.cs";
            }
        }
    }

    /// <summary>
    /// What an [OnnxModel] class adds to its model: the file it came from, the input layout the file declares
    /// (the generated class takes that), and the trained parameters in ModelGen's order and layouts; for models with
    /// saved values that are not trained (BatchNormalization), those (State) and the counters too.
    /// </summary>
    internal sealed record ImportSpec(string SourcePath, bool InputChannelsFirst, Onnx.FloatData Parameters, string Description,
        Onnx.FloatData? State = null, EquatableArray<long> Counters = default);

    /// <summary>The transform's result: a model when the declaration is valid, and its diagnostics.</summary>
    internal sealed record ParseResult(ModelSpec? Model, EquatableArray<DiagnosticInfo> Diagnostics);
}
