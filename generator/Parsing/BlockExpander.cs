using System.Collections.Generic;
using System.Linq;
using System.Threading;
using ModelGen.Generator.Layers;
using ModelGen.Generator.Model;

namespace ModelGen.Generator.Parsing
{

    /// <summary>
    /// Names every layer and says what it reads, expanding each [Use] into its block's layers: a layer
    /// without a Name is named after its kind and position (Dense1, Conv2), a layer without an Input reads
    /// the one declared just before it, and the layers of a block are named after the use ("Stage2Block1" +
    /// "Conv1") and read the use's input where they name Block.Input. The result is a flat list in
    /// declaration order, which is topological: a layer may only read what precedes it. Works on plain data only
    /// (the raw declarations of the model and of the blocks it uses), so it runs in a pipeline step after the transforms.
    /// </summary>
    internal static class BlockExpander
    {
        public const string UseAttributeName = "ModelGen.UseAttribute";
        public const string BlockAttributeName = "ModelGen.BlockAttribute";

        public static List<LayerDeclaration> Expand(IReadOnlyList<RawLayer> declarations, IReadOnlyDictionary<string, RawBlock> blocks,
            string inputName, string className, List<DiagnosticInfo> diagnostics, CancellationToken cancellationToken)
        {
            var result = new List<LayerDeclaration>();
            var scope = new Scope("", null, null, null, new List<TypeRef>());
            ExpandInto(result, declarations, blocks, scope, inputName, className, diagnostics, cancellationToken);
            return result;
        }

        /// <summary>
        /// The keys of the blocks that <paramref name="used"/> reach (the blocks their layers use, and so on), in
        /// <paramref name="blocks"/> by key: what a model's expansion reads.
        /// </summary>
        public static List<RawBlock> Reachable(IEnumerable<string> used, IReadOnlyDictionary<string, RawBlock> blocks)
        {
            var seen = new HashSet<string>(System.StringComparer.Ordinal);
            var pending = new Stack<string>(used);
            var result = new List<RawBlock>();
            while (pending.Count > 0)
            {
                string key = pending.Pop();
                if (!seen.Add(key) || !blocks.TryGetValue(key, out RawBlock? block)) continue;
                result.Add(block);
                foreach (string inner in block.UsedBlocks) pending.Push(inner);
            }
            result.Sort((a, b) => string.CompareOrdinal(a.Key, b.Key));
            return result;
        }

        /// <summary>The blocks by key; of two declarations with one key (code that does not compile), the first.</summary>
        public static Dictionary<string, RawBlock> ByKey(IEnumerable<RawBlock> blocks)
        {
            var result = new Dictionary<string, RawBlock>(System.StringComparer.Ordinal);
            foreach (RawBlock block in blocks)
                if (!result.ContainsKey(block.Key)) result.Add(block.Key, block);
            return result;
        }

        /// <summary>The keys of the blocks that the [Use]s among <paramref name="layers"/> name (as far as they can be read).</summary>
        public static EquatableArray<string> UsedBlocks(IEnumerable<RawLayer> layers)
        {
            var keys = new List<string>();
            foreach (RawLayer layer in layers)
            {
                if (!layer.IsUse) continue;
                foreach (RawArgument argument in layer.Attribute.Arguments)
                {
                    if (argument.Name == "block" && argument.Value.Type is { } type && !keys.Contains(type.DefinitionName)) keys.Add(type.DefinitionName);
                }
            }
            return new EquatableArray<string>(keys);
        }

        /// <summary>The names visible inside one model or one use of a block.</summary>
        private sealed class Scope
        {
            public Scope(string prefix, string? savedPrefix, string? blockInput, BlockValues? values, List<TypeRef> blocks)
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
            public List<TypeRef> Blocks { get; }

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
        private static string ExpandInto(List<LayerDeclaration> result, IReadOnlyList<RawLayer> declarations,
            IReadOnlyDictionary<string, RawBlock> blocks, Scope scope, string previous, string className, List<DiagnosticInfo> diagnostics,
            CancellationToken cancellationToken)
        {
            var perKind = new Dictionary<LayerKind, int>();
            int uses = 0;
            foreach (RawLayer declaration in declarations)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var arguments = new AttributeArguments(declaration.Attribute, scope.Values);
                if (declaration.IsUse)
                {
                    previous = ExpandUse(result, declaration, arguments, ++uses, blocks, scope, previous, className, diagnostics, cancellationToken);
                    continue;
                }

                // The transforms keep only attributes of known kinds.
                LayerKind kind = LayerKinds.ByAttributeName(declaration.KindName)!;
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
                result.Add(new LayerDeclaration(declaration.Attribute, declaration.Attribute.Location, kind, name, savedName, inputs, scope.Values));
                scope.Names[localName] = name;
                previous = name;
            }
            return previous;
        }

        private static string ExpandUse(List<LayerDeclaration> result, RawLayer declaration, AttributeArguments arguments, int ordinal,
            IReadOnlyDictionary<string, RawBlock> blocks, Scope scope, string previous, string className, List<DiagnosticInfo> diagnostics,
            CancellationToken cancellationToken)
        {
            LocationInfo? location = declaration.Attribute.Location;
            string localName = arguments.String("Name") ?? "Block" + ordinal.ToString(System.Globalization.CultureInfo.InvariantCulture);
            TypeRef? block = arguments.Type("block");
            int filters = arguments.Int("Filters", 0);
            int stride = arguments.Int("Stride", 1);
            int repeat = arguments.Int("Repeat", 1);
            string? named = arguments.String("Input");
            if (arguments.Unreadable || block is null)
            {
                diagnostics.Add(DiagnosticInfo.Create(Diagnostics.ArgumentNotConstant, location, "Use", className));
                return previous;
            }
            string blockName = block.DisplayName;
            IReadOnlyList<RawLayer> layers;
            if (blocks.TryGetValue(block.DefinitionName, out RawBlock? declared))
            {
                if (declared.Error is not null)
                {
                    diagnostics.Add(DiagnosticInfo.Create(Diagnostics.InternalError, location, blockName, declared.Error));
                    return previous;
                }
                layers = declared.Layers.ToList();
            }
            else if (block.ExternalBlock)
            {
                layers = System.Array.Empty<RawLayer>();
            }
            else
            {
                diagnostics.Add(DiagnosticInfo.Create(Diagnostics.NotABlock, location, blockName, className));
                return previous;
            }
            if (scope.Blocks.Any(b => b.FullName == block.FullName))
            {
                string path = string.Join(" → ", scope.Blocks.Select(b => b.Name).Concat(new[] { block.Name }));
                diagnostics.Add(DiagnosticInfo.Create(Diagnostics.BlockUsesItself, location, blockName, className, path));
                return previous;
            }
            if (repeat < 1)
            {
                diagnostics.Add(DiagnosticInfo.Create(Diagnostics.SizeNotPositive, location,
                    "The Repeat of use '" + scope.Prefix + localName + "'", className, repeat));
                return previous;
            }

            var values = new BlockValues(filters, stride);
            string input = named is null ? previous : scope.Resolve(named);
            var chain = new List<TypeRef>(scope.Blocks) { block };
            for (int copy = 1; copy <= repeat; copy++)
            {
                string copyName = copy == 1 ? localName : localName + "_" + copy.ToString(System.Globalization.CultureInfo.InvariantCulture);
                var inner = new Scope(scope.Prefix + copyName, (scope.SavedPrefix ?? "") + copyName + ".", input, values, chain);
                input = ExpandInto(result, layers, blocks, inner, input, className, diagnostics, cancellationToken);
                scope.Names[copyName] = input;
            }
            scope.Names[localName] = input; // the use's name reads its last copy's output
            return input;
        }
    }
}
