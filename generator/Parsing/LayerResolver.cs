using System;
using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using ModelGen.Generator.Emitting;
using ModelGen.Generator.Layers;
using ModelGen.Generator.Model;

namespace ModelGen.Generator.Parsing
{
    /// <summary>
    /// Names the layers and resolves them in order, each on the shape the previous one gives, through its
    /// <see cref="LayerKind"/>. Checks what concerns the whole stack: names, Softmax placement, sizes that
    /// do not fit an array, the total parameter count, and that something is trainable.
    /// </summary>
    internal static class LayerResolver
    {
        /// <summary>The largest float[] .NET allocates (Array.MaxLength).</summary>
        private const long MaxArrayLength = ModelEmitter.MaxArrayLength;

        // Softmax placement is checked where the activation is read (AttributeArguments.Activation), so
        // it is reported even when an earlier layer could not be resolved.

        /// <summary>Returns the resolved layers, or null when one of them could not be resolved.</summary>
        public static List<LayerSpec>? Resolve(List<(AttributeData Data, AttributeSyntax Syntax, LayerKind Kind)> declarations,
            Shape? input, bool inputDeclared, string className, Location classLocation, List<DiagnosticInfo> diagnostics)
        {
            var layers = new List<LayerSpec>();
            var names = new HashSet<string>(StringComparer.Ordinal);
            var perKind = new Dictionary<LayerKind, int>();
            bool complete = input is not null;
            Shape? current = input;
            Shape? flattenedImage = null;
            long parameterCount = 0;
            bool overflowReported = false;
            for (int index = 0; index < declarations.Count; index++)
            {
                var (data, syntax, kind) = declarations[index];
                Location location = syntax.GetLocation();
                perKind.TryGetValue(kind, out int ordinal);
                perKind[kind] = ++ordinal;

                var arguments = new AttributeArguments(data);
                string name = arguments.String("Name") ?? kind.DefaultNamePrefix + ordinal.ToString(System.Globalization.CultureInfo.InvariantCulture);
                if (arguments.Unreadable)
                {
                    diagnostics.Add(DiagnosticInfo.Create(Diagnostics.ArgumentNotConstant, location, kind.DisplayName, className));
                    complete = false;
                    current = null;
                    continue;
                }
                if (!SyntaxFacts.IsValidIdentifier(name) || SyntaxFacts.GetKeywordKind(name) != SyntaxKind.None)
                    diagnostics.Add(DiagnosticInfo.Create(Diagnostics.InvalidLayerName, location, name, className));
                else if (!names.Add(name))
                    diagnostics.Add(DiagnosticInfo.Create(Diagnostics.DuplicateLayerName, location, className, name));

                bool isLast = index == declarations.Count - 1;
                var context = new LayerReadContext(className, name, current, isLast, location, diagnostics) { FlattenedImage = flattenedImage };
                LayerSpec? layer = kind.Read(context, arguments);
                if (arguments.Unreadable)
                {
                    diagnostics.Add(DiagnosticInfo.Create(Diagnostics.ArgumentNotConstant, location, kind.DisplayName, className));
                    layer = null;
                }
                if (layer is null)
                {
                    complete = false;
                    current = null;
                    continue;
                }

                if (LargestBuffer(layer) is { } largest && largest.Values > MaxArrayLength)
                {
                    diagnostics.Add(DiagnosticInfo.Create(Diagnostics.TensorTooLarge, location, "layer '" + name + "'", className,
                        Format.Count(largest.Values), largest.What, Format.Count(MaxArrayLength)));
                    complete = false;
                    current = null;
                    continue;
                }
                parameterCount += layer.ParameterCount;
                if (parameterCount > MaxArrayLength && !overflowReported)
                {
                    diagnostics.Add(DiagnosticInfo.Create(Diagnostics.ParameterCountOverflow, location, className,
                        Format.Count(parameterCount), name, Format.Count(MaxArrayLength)));
                    overflowReported = true;
                }
                if (parameterCount > MaxArrayLength) parameterCount = MaxArrayLength + 1; // keep the sum from overflowing a long

                layers.Add(layer);
                flattenedImage = layer switch
                {
                    FlattenSpec flatten => flatten.Input,
                    DropoutSpec => flattenedImage, // element-wise: the values keep their order
                    _ => null,
                };
                current = layer.Output;
            }

            if (complete && inputDeclared && layers.Count > 0 && !layers.Exists(l => l.IsTrainable))
                diagnostics.Add(DiagnosticInfo.Create(Diagnostics.NoTrainableLayer, classLocation, className));
            return complete ? layers : null;
        }

        /// <summary>The largest per-sample buffer a layer needs, and what it holds.</summary>
        private static (long Values, string What)? LargestBuffer(LayerSpec layer) => layer switch
        {
            Conv2DSpec conv when (long)conv.Output.Height * conv.Output.Width * conv.PatchSize > conv.Output.Size =>
                ((long)conv.Output.Height * conv.Output.Width * conv.PatchSize, "its patch matrix"),
            _ => (layer.Output.Size, "its output"),
        };
    }
}
