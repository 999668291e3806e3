using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using ModelGen.Generator.Layers;
using ModelGen.Generator.Model;

namespace ModelGen.Generator.Parsing
{
    /// <summary>
    /// The [Block] pipeline's transform: reads one block class into a <see cref="RawBlock"/>, its layer and [Use]
    /// attributes as written, in source order. Nothing is checked here: a block's layers are resolved (and reported)
    /// in each model that uses it, by <see cref="ModelParser.Resolve"/>.
    /// </summary>
    internal static class BlockParser
    {
        public static RawBlock Parse(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
        {
            var type = (INamedTypeSymbol)context.TargetSymbol;
            string key = type.OriginalDefinition.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat);
            // The generator must never throw: a block that cannot be read is reported where a model uses it.
            try
            {
                Compilation compilation = context.SemanticModel.Compilation;
                // Every partial declaration's attributes (as a model reads the block's class); declarations in
                // different files have no source order, so the file path decides.
                var layers = new List<(RawLayer Layer, SyntaxNode Syntax)>();
                foreach (AttributeData attribute in type.GetAttributes())
                {
                    string? name = attribute.AttributeClass?.ToDisplayString();
                    LayerKind? kind = LayerKinds.ByAttributeName(name);
                    if (kind is null && name != BlockExpander.UseAttributeName) continue;
                    if (attribute.ApplicationSyntaxReference?.GetSyntax(cancellationToken) is not AttributeSyntax syntax) continue;
                    layers.Add((new RawLayer(kind?.AttributeName, RawAttribute.From(attribute, syntax.GetLocation(), compilation)), syntax));
                }
                layers.Sort((a, b) => a.Syntax.SyntaxTree == b.Syntax.SyntaxTree
                    ? a.Syntax.SpanStart.CompareTo(b.Syntax.SpanStart)
                    : string.CompareOrdinal(a.Syntax.SyntaxTree.FilePath, b.Syntax.SyntaxTree.FilePath));
                List<RawLayer> raw = layers.Select(l => l.Layer).ToList();
                return new RawBlock(key, new EquatableArray<RawLayer>(raw), BlockExpander.UsedBlocks(raw));
            }
            catch (OperationCanceledException)
            {
                throw;
            }
            catch (Exception exception)
            {
                return new RawBlock(key, EquatableArray<RawLayer>.Empty, EquatableArray<string>.Empty, exception.GetType().Name + ": " + exception.Message);
            }
        }
    }
}
