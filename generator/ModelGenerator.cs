using Microsoft.CodeAnalysis;
using ModelGen.Generator.Emitting;
using ModelGen.Generator.Model;
using ModelGen.Generator.Parsing;

namespace ModelGen.Generator
{
    /// <summary>
    /// The pipeline: [Model] classes → <see cref="RawModel"/> (their attributes as plain values), joined with the
    /// [Block] classes they use (<see cref="RawBlock"/>) → <see cref="ParseResult"/> (blocks expanded, layers resolved,
    /// in a pure step) → diagnostics and one generated file per valid model. Every step's output is value-equatable,
    /// and steps carry tracking names so tests can prove they cache.
    /// </summary>
    [Generator(LanguageNames.CSharp)]
    public sealed class ModelGenerator : IIncrementalGenerator
    {
        /// <inheritdoc />
        public void Initialize(IncrementalGeneratorInitializationContext context)
        {
            // Each [Model] declaration as plain values (its attributes as written, the blocks it names).
            IncrementalValuesProvider<RawModel> declarations = context.SyntaxProvider
                .ForAttributeWithMetadataName(
                    ModelParser.ModelAttributeName,
                    predicate: static (node, _) => node is Microsoft.CodeAnalysis.CSharp.Syntax.TypeDeclarationSyntax,
                    transform: static (context, cancellationToken) => ModelParser.Parse(context, cancellationToken))
                .WithTrackingName(TrackingNames.Parse);

            // Each [Block] declaration as plain values, all of them together.
            IncrementalValueProvider<System.Collections.Immutable.ImmutableArray<RawBlock>> blocks = context.SyntaxProvider
                .ForAttributeWithMetadataName(
                    BlockExpander.BlockAttributeName,
                    predicate: static (node, _) => node is Microsoft.CodeAnalysis.CSharp.Syntax.TypeDeclarationSyntax,
                    transform: static (context, cancellationToken) => BlockParser.Parse(context, cancellationToken))
                .WithTrackingName(TrackingNames.Blocks)
                .Collect();

            // Each model with only the blocks it reaches, so an edit to another block leaves it equal (and what follows cached).
            IncrementalValuesProvider<ModelWithBlocks> withBlocks = declarations
                .Combine(blocks)
                .Select(static (pair, _) => new ModelWithBlocks(pair.Left, new EquatableArray<RawBlock>(
                    BlockExpander.Reachable(pair.Left.UsedBlocks, BlockExpander.ByKey(pair.Right)))))
                .WithTrackingName(TrackingNames.BlockUses);

            // The blocks expanded and the layers resolved, from plain values only.
            IncrementalValuesProvider<ParseResult> results = withBlocks
                .Select(static (input, cancellationToken) => ModelParser.Resolve(input, cancellationToken))
                .WithTrackingName(TrackingNames.Resolve);

            IncrementalValuesProvider<ModelSpec> models = results
                .Where(static result => result.Model is not null)
                .Select(static (result, _) => result.Model!)
                .WithTrackingName(TrackingNames.Models);

            IncrementalValuesProvider<EquatableArray<DiagnosticInfo>> diagnostics = results
                .Select(static (result, _) => result.Diagnostics)
                .Where(static diagnostics => diagnostics.Count > 0)
                .WithTrackingName(TrackingNames.Diagnostics);

            context.RegisterSourceOutput(diagnostics, static (output, diagnostics) =>
            {
                foreach (DiagnosticInfo diagnostic in diagnostics) output.ReportDiagnostic(diagnostic.ToDiagnostic());
            });

            RegisterOnnxImport(context);

            context.RegisterSourceOutput(models, static (output, model) => EmitModel(output, model));

            // Classes with ModelGen layer attributes but no [Model]: one pipeline per attribute type
            // (ForAttributeWithMetadataName matches one exact type).
            foreach (string attributeName in MissingModelAttributeNames())
            {
                IncrementalValuesProvider<DiagnosticInfo> missing = context.SyntaxProvider
                    .ForAttributeWithMetadataName(
                        attributeName,
                        predicate: static (node, _) => node is Microsoft.CodeAnalysis.CSharp.Syntax.TypeDeclarationSyntax,
                        transform: (context, cancellationToken) => MissingModelCheck.Check(context, attributeName, cancellationToken))
                    .Where(static diagnostic => diagnostic is not null)
                    .Select(static (diagnostic, _) => diagnostic!)
                    .WithTrackingName(TrackingNames.MissingModel);
                context.RegisterSourceOutput(missing, static (output, diagnostic) => output.ReportDiagnostic(diagnostic.ToDiagnostic()));
            }
        }

        private static void EmitModel(SourceProductionContext output, ModelSpec model)
        {
            // The emitter throws on a case it does not know (the tests make sure none is reachable);
            // should one ever be, the user gets a diagnostic naming the model, not a generator crash.
            string source;
            string? parameters;
            try
            {
                source = ModelEmitter.Emit(model);
                parameters = model.Import is null ? null : ModelEmitter.EmitParameters(model);
            }
            catch (System.Exception exception) when (exception is not System.OperationCanceledException)
            {
                output.ReportDiagnostic(Diagnostic.Create(Generator.Diagnostics.InternalError, Location.None,
                    model.ClassName, exception.GetType().Name + ": " + exception.Message));
                return;
            }
            output.AddSource(model.HintName, source);
            if (parameters is not null) output.AddSource(ModelEmitter.ParametersHintName(model), parameters);
        }

        /// <summary>
        /// [OnnxModel("path")]: each additional file is read and mapped on its own (cached until its text changes,
        /// which build/ModelGen.targets only does when the .onnx file changes), each declaration is read on its
        /// own (cached until the class changes), and the two are joined by path, which is cheap.
        /// </summary>
        private static void RegisterOnnxImport(IncrementalGeneratorInitializationContext context)
        {
            IncrementalValuesProvider<Onnx.OnnxFile> files = context.AdditionalTextsProvider
                .Where(static file => Onnx.OnnxImport.IsCandidate(file.Path))
                .Select(static (file, cancellationToken) => Onnx.OnnxImport.ReadFile(file, cancellationToken))
                .WithTrackingName(TrackingNames.OnnxFiles)
                .Where(static file => file is not null)
                .Select(static (file, _) => file!);

            IncrementalValuesProvider<Onnx.OnnxDeclaration> declarations = context.SyntaxProvider
                .ForAttributeWithMetadataName(
                    Onnx.OnnxModelParser.AttributeName,
                    predicate: static (node, _) => node is Microsoft.CodeAnalysis.CSharp.Syntax.TypeDeclarationSyntax,
                    transform: static (context, cancellationToken) => Onnx.OnnxModelParser.Parse(context, cancellationToken))
                .Where(static declaration => declaration is not null)
                .Select(static (declaration, _) => declaration!)
                .WithTrackingName(TrackingNames.OnnxDeclarations);

            IncrementalValuesProvider<ParseResult> results = declarations
                .Combine(files.Collect())
                .Select(static (pair, _) => Onnx.OnnxImport.Resolve(pair.Left, pair.Right))
                .WithTrackingName(TrackingNames.OnnxResults);

            IncrementalValuesProvider<ModelSpec> models = results
                .Where(static result => result.Model is not null)
                .Select(static (result, _) => result.Model!)
                .WithTrackingName(TrackingNames.OnnxModels);

            IncrementalValuesProvider<EquatableArray<DiagnosticInfo>> diagnostics = results
                .Select(static (result, _) => result.Diagnostics)
                .Where(static diagnostics => diagnostics.Count > 0);

            context.RegisterSourceOutput(diagnostics, static (output, diagnostics) =>
            {
                foreach (DiagnosticInfo diagnostic in diagnostics) output.ReportDiagnostic(diagnostic.ToDiagnostic());
            });
            context.RegisterSourceOutput(models, static (output, model) => EmitModel(output, model));
        }

        private static System.Collections.Generic.IEnumerable<string> MissingModelAttributeNames()
        {
            yield return MissingModelCheck.InputAttributeName;
            foreach (Layers.LayerKind kind in Layers.LayerKinds.All) yield return kind.AttributeName;
        }
    }

    /// <summary>Names of the pipeline steps, for incremental-caching tests.</summary>
    public static class TrackingNames
    {
        /// <summary>The transform of each [Model] declaration: its raw attributes.</summary>
        public const string Parse = "ModelGen.Parse";
        /// <summary>The transform of each [Block] declaration: its raw layers.</summary>
        public const string Blocks = "ModelGen.Blocks";
        /// <summary>Each [Model] declaration joined with the [Block] declarations it uses (directly or through other blocks).</summary>
        public const string BlockUses = "ModelGen.BlockUses";
        /// <summary>Each [Model] declaration with its blocks expanded and its layers resolved: a model or diagnostics.</summary>
        public const string Resolve = "ModelGen.Resolve";
        /// <summary>The valid models that get a generated file.</summary>
        public const string Models = "ModelGen.Models";
        /// <summary>The declarations with diagnostics.</summary>
        public const string Diagnostics = "ModelGen.Diagnostics";
        /// <summary>Classes with ModelGen layer attributes but no [Model].</summary>
        public const string MissingModel = "ModelGen.MissingModel";
        /// <summary>Each additional ONNX file, read and mapped onto layers (the expensive step).</summary>
        public const string OnnxFiles = "ModelGen.OnnxFiles";
        /// <summary>Each [OnnxModel] declaration.</summary>
        public const string OnnxDeclarations = "ModelGen.OnnxDeclarations";
        /// <summary>Each [OnnxModel] declaration joined with its file: a model or diagnostics.</summary>
        public const string OnnxResults = "ModelGen.OnnxResults";
        /// <summary>The imported models that get generated files.</summary>
        public const string OnnxModels = "ModelGen.OnnxModels";
    }
}
