using Microsoft.CodeAnalysis;
using ModelGen.Generator.Emitting;
using ModelGen.Generator.Model;
using ModelGen.Generator.Parsing;

namespace ModelGen.Generator
{
    /// <summary>
    /// The pipeline: [Model] classes → <see cref="ParseResult"/> (value-equatable) → diagnostics and one
    /// generated file per valid model. Steps carry tracking names so tests can prove they cache.
    /// </summary>
    [Generator(LanguageNames.CSharp)]
    public sealed class ModelGenerator : IIncrementalGenerator
    {
        /// <inheritdoc />
        public void Initialize(IncrementalGeneratorInitializationContext context)
        {
            IncrementalValuesProvider<ParseResult> results = context.SyntaxProvider
                .ForAttributeWithMetadataName(
                    ModelParser.ModelAttributeName,
                    predicate: static (node, _) => node is Microsoft.CodeAnalysis.CSharp.Syntax.TypeDeclarationSyntax,
                    transform: static (context, cancellationToken) => ModelParser.Parse(context, cancellationToken))
                .WithTrackingName(TrackingNames.Parse);

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

            context.RegisterSourceOutput(models, static (output, model) =>
            {
                // The emitter throws on a case it does not know (the tests make sure none is reachable);
                // should one ever be, the user gets a diagnostic naming the model, not a generator crash.
                string source;
                try
                {
                    source = ModelEmitter.Emit(model);
                }
                catch (System.Exception exception) when (exception is not System.OperationCanceledException)
                {
                    output.ReportDiagnostic(Diagnostic.Create(Generator.Diagnostics.InternalError, Location.None,
                        model.ClassName, exception.GetType().Name + ": " + exception.Message));
                    return;
                }
                output.AddSource(model.HintName, source);
            });

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

        private static System.Collections.Generic.IEnumerable<string> MissingModelAttributeNames()
        {
            yield return MissingModelCheck.InputAttributeName;
            foreach (Layers.LayerKind kind in Layers.LayerKinds.All) yield return kind.AttributeName;
        }
    }

    /// <summary>Names of the pipeline steps, for incremental-caching tests.</summary>
    public static class TrackingNames
    {
        /// <summary>The transform of each [Model] declaration.</summary>
        public const string Parse = "ModelGen.Parse";
        /// <summary>The valid models that get a generated file.</summary>
        public const string Models = "ModelGen.Models";
        /// <summary>The declarations with diagnostics.</summary>
        public const string Diagnostics = "ModelGen.Diagnostics";
        /// <summary>Classes with ModelGen layer attributes but no [Model].</summary>
        public const string MissingModel = "ModelGen.MissingModel";
    }
}
