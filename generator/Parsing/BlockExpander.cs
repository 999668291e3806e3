using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using ModelGen.Generator.Layers;
using ModelGen.Generator.Model;

namespace ModelGen.Generator.Parsing
{
    /// <summary>One layer or [Use] attribute as written, in source order, before the blocks are expanded.</summary>
    internal sealed record RawDeclaration(AttributeData Data, Location Location, LayerKind? Kind)
    {
        /// <summary>A [Use] of a block (no layer kind of its own).</summary>
        public bool IsUse => Kind is null;
    }

    /// <summary>
    /// Names every layer and says what it reads, expanding each [Use] into its block's layers: a layer
    /// without a Name is named after its kind and position (Dense1, Conv2), a layer without an Input reads
    /// the one declared just before it, and the layers of a block are named after the use ("Stage2Block1" +
    /// "Conv1") and read the use's input where they name Block.Input. The result is a flat list in
    /// declaration order, which is topological: a layer may only read what precedes it.
    /// </summary>
    internal static class BlockExpander
    {
        public const string UseAttributeName = "ModelGen.UseAttribute";
        public const string BlockAttributeName = "ModelGen.BlockAttribute";

        public static List<LayerDeclaration> Expand(IReadOnlyList<RawDeclaration> declarations, string inputName, string className,
            List<DiagnosticInfo> diagnostics, CancellationToken cancellationToken)
        {
            var result = new List<LayerDeclaration>();
            var scope = new Scope("", null, null, null, new List<INamedTypeSymbol>());
            ExpandInto(result, declarations, scope, inputName, className, diagnostics, cancellationToken);
            return result;
        }

        /// <summary>The names visible inside one model or one use of a block.</summary>
        private sealed class Scope
        {
            public Scope(string prefix, string? savedPrefix, string? blockInput, BlockValues? values, List<INamedTypeSymbol> blocks)
            {
                Prefix = prefix;
                SavedPrefix = savedPrefix;
                BlockInput = blockInput;
                Values = values;
                Blocks = blocks;
            }

            public string Prefix { get; }
            public string? SavedPrefix { get; }
            public string? BlockInput { get; }
            public BlockValues? Values { get; }

            /// <summary>The blocks being expanded, outermost first: a block in this list may not be used again.</summary>
            public List<INamedTypeSymbol> Blocks { get; }

            /// <summary>Local name → final name (a use's name stands for its last layer).</summary>
            public Dictionary<string, string> Names { get; } = new Dictionary<string, string>(System.StringComparer.Ordinal);

            public string Resolve(string name)
            {
                if (name == AttributeArguments.BlockInputName && BlockInput is not null) return BlockInput;
                if (Names.TryGetValue(name, out string? final)) return final;
                // Not (yet) declared here: the resolver reports it, under the name it would have.
                return name == AttributeArguments.BlockInputName ? name : Prefix + name;
            }
        }

        /// <returns>The final name of the last layer expanded (what follows reads it by default).</returns>
        private static string ExpandInto(List<LayerDeclaration> result, IReadOnlyList<RawDeclaration> declarations, Scope scope,
            string previous, string className, List<DiagnosticInfo> diagnostics, CancellationToken cancellationToken)
        {
            var perKind = new Dictionary<LayerKind, int>();
            int uses = 0;
            foreach (RawDeclaration declaration in declarations)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var arguments = new AttributeArguments(declaration.Data, scope.Values);
                if (declaration.IsUse)
                {
                    previous = ExpandUse(result, declaration, arguments, ++uses, scope, previous, className, diagnostics, cancellationToken);
                    continue;
                }

                LayerKind kind = declaration.Kind!;
                perKind.TryGetValue(kind, out int ordinal);
                perKind[kind] = ++ordinal;
                string localName = arguments.String("Name") ?? kind.DefaultNamePrefix + ordinal.ToString(System.Globalization.CultureInfo.InvariantCulture);
                string[] inputs;
                if (kind.HasSeveralInputs)
                {
                    inputs = (arguments.Strings("inputs") ?? System.Array.Empty<string>()).Select(scope.Resolve).ToArray();
                }
                else
                {
                    string? named = arguments.String("Input");
                    inputs = new[] { named is null ? previous : scope.Resolve(named) };
                }
                string name = scope.Prefix + localName;
                string? savedName = scope.SavedPrefix is null ? null : scope.SavedPrefix + localName;
                result.Add(new LayerDeclaration(declaration.Data, declaration.Location, kind, name, savedName, inputs, scope.Values));
                scope.Names[localName] = name;
                previous = name;
            }
            return previous;
        }

        private static string ExpandUse(List<LayerDeclaration> result, RawDeclaration declaration, AttributeArguments arguments, int ordinal,
            Scope scope, string previous, string className, List<DiagnosticInfo> diagnostics, CancellationToken cancellationToken)
        {
            string localName = arguments.String("Name") ?? "Block" + ordinal.ToString(System.Globalization.CultureInfo.InvariantCulture);
            INamedTypeSymbol? block = arguments.Type("block");
            int filters = arguments.Int("Filters", 0);
            int stride = arguments.Int("Stride", 1);
            int repeat = arguments.Int("Repeat", 1);
            string? named = arguments.String("Input");
            if (arguments.Unreadable || block is null)
            {
                diagnostics.Add(DiagnosticInfo.Create(Diagnostics.ArgumentNotConstant, declaration.Location, "Use", className));
                return previous;
            }
            string blockName = block.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat);
            if (!block.GetAttributes().Any(a => a.AttributeClass?.ToDisplayString() == BlockAttributeName))
            {
                diagnostics.Add(DiagnosticInfo.Create(Diagnostics.NotABlock, declaration.Location, blockName, className));
                return previous;
            }
            if (scope.Blocks.Any(b => SymbolEqualityComparer.Default.Equals(b, block)))
            {
                string path = string.Join(" → ", scope.Blocks.Select(b => b.Name).Concat(new[] { block.Name }));
                diagnostics.Add(DiagnosticInfo.Create(Diagnostics.BlockUsesItself, declaration.Location, blockName, className, path));
                return previous;
            }
            if (repeat < 1)
            {
                diagnostics.Add(DiagnosticInfo.Create(Diagnostics.SizeNotPositive, declaration.Location,
                    "The Repeat of use '" + scope.Prefix + localName + "'", className, repeat));
                return previous;
            }

            List<RawDeclaration> layers = ReadBlock(block, cancellationToken);
            var values = new BlockValues(filters, stride);
            string input = named is null ? previous : scope.Resolve(named);
            var blocks = new List<INamedTypeSymbol>(scope.Blocks) { block };
            for (int copy = 1; copy <= repeat; copy++)
            {
                string copyName = copy == 1 ? localName : localName + "_" + copy.ToString(System.Globalization.CultureInfo.InvariantCulture);
                var inner = new Scope(scope.Prefix + copyName, (scope.SavedPrefix ?? "") + copyName + ".", input, values, blocks);
                input = ExpandInto(result, layers, inner, input, className, diagnostics, cancellationToken);
                scope.Names[copyName] = input;
            }
            scope.Names[localName] = input; // the use's name reads its last copy's output
            return input;
        }

        /// <summary>The layer and [Use] attributes of a [Block] class, in source order.</summary>
        private static List<RawDeclaration> ReadBlock(INamedTypeSymbol block, CancellationToken cancellationToken)
        {
            var layers = new List<(RawDeclaration Declaration, SyntaxNode Syntax)>();
            foreach (AttributeData attribute in block.GetAttributes())
            {
                string? name = attribute.AttributeClass?.ToDisplayString();
                LayerKind? kind = LayerKinds.ByAttributeName(name);
                if (kind is null && name != UseAttributeName) continue;
                if (attribute.ApplicationSyntaxReference?.GetSyntax(cancellationToken) is not AttributeSyntax syntax) continue;
                layers.Add((new RawDeclaration(attribute, syntax.GetLocation(), kind), syntax));
            }
            layers.Sort((a, b) => a.Syntax.SyntaxTree == b.Syntax.SyntaxTree
                ? a.Syntax.SpanStart.CompareTo(b.Syntax.SpanStart)
                : string.CompareOrdinal(a.Syntax.SyntaxTree.FilePath, b.Syntax.SyntaxTree.FilePath));
            return layers.Select(l => l.Declaration).ToList();
        }
    }
}
