using System.Collections.Generic;
using System.Linq;
using ModelGen.Generator.Model;
using ModelGen.Generator.Parsing;

namespace ModelGen.Generator.Layers
{
    /// <summary>The checks [Add] and [Concatenate] share: at least two distinct inputs, all known.</summary>
    internal static class MergeInputs
    {
        /// <summary>The input shapes, or null (reported) when there are fewer than two distinct inputs or one is unknown.</summary>
        public static List<Shape>? Read(LayerReadContext context, string kind)
        {
            var names = context.InputNames;
            if (names.Count < 2 || names.Distinct(System.StringComparer.Ordinal).Count() != names.Count)
            {
                string what = names.Count == 0 ? "no inputs"
                    : names.Count == 1 ? "one input ('" + names[0] + "')"
                    : Format.Int(names.Count) + " inputs, some the same ('" + string.Join("', '", names) + "')";
                context.Report(Diagnostics.TooFewInputs, context.Name, context.ClassName, kind, what);
                return null;
            }
            if (context.Inputs.Any(i => i is null)) return null;
            return context.Inputs.Select(i => i!.Value).ToList();
        }

        /// <summary>"'A' [8, 8, 16] and 'B' [4, 4, 16]" for messages.</summary>
        public static string Describe(LayerReadContext context, IReadOnlyList<Shape> shapes) =>
            string.Join(" and ", shapes.Select((s, i) => "'" + context.InputNames[i] + "' " + s));
    }
}
