using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using ModelGen.Generator.Layers;
using ModelGen.Generator.Model;

namespace ModelGen.Generator.Parsing
{
    /// <summary>
    /// A class with [Input] or layer attributes but no [Model] would silently get nothing (only the
    /// compiler's confusing errors where the user then calls generated members). The generator watches
    /// every ModelGen attribute and reports MG0019 once per class: from the pipeline of the attribute
    /// that comes first on the declaration that holds the class's first ModelGen attribute.
    /// </summary>
    internal static class MissingModelCheck
    {
        public const string InputAttributeName = "ModelGen.InputAttribute";

        public static DiagnosticInfo? Check(GeneratorAttributeSyntaxContext context, string attributeName, CancellationToken cancellationToken)
        {
            if (context.TargetSymbol is not INamedTypeSymbol type || context.TargetNode is not TypeDeclarationSyntax declaration) return null;
            AttributeData? first = null;
            SyntaxNode? firstSyntax = null;
            foreach (AttributeData attribute in type.GetAttributes())
            {
                string? name = attribute.AttributeClass?.ToDisplayString();
                // An imported model reports its stray layer attributes itself (MG0037).
                // A [Block]'s layers are checked where a model uses it.
                if (name == ModelParser.ModelAttributeName || name == Onnx.OnnxModelParser.AttributeName || name == BlockExpander.BlockAttributeName) return null;
                if (name != InputAttributeName && LayerKinds.ByAttributeName(name) is null) continue;
                SyntaxNode? syntax = attribute.ApplicationSyntaxReference?.GetSyntax(cancellationToken);
                if (syntax is null) continue;
                if (firstSyntax is null || Before(syntax, firstSyntax))
                {
                    first = attribute;
                    firstSyntax = syntax;
                }
            }
            if (first is null || firstSyntax is null) return null;
            if (first.AttributeClass?.ToDisplayString() != attributeName) return null;
            if (firstSyntax.SyntaxTree != declaration.SyntaxTree || !declaration.Span.Contains(firstSyntax.Span)) return null;
            string shortName = attributeName.Substring("ModelGen.".Length, attributeName.Length - "ModelGen.".Length - "Attribute".Length);
            return DiagnosticInfo.Create(Diagnostics.MissingModelAttribute, declaration.Identifier.GetLocation(), type.Name, shortName);
        }

        // Declarations in different files have no source order; the file path decides, so the choice is stable.
        private static bool Before(SyntaxNode a, SyntaxNode b) =>
            a.SyntaxTree == b.SyntaxTree
                ? a.SpanStart < b.SpanStart
                : string.CompareOrdinal(a.SyntaxTree.FilePath, b.SyntaxTree.FilePath) < 0;
    }
}
