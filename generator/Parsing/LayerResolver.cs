using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis.CSharp;
using ModelGen.Generator.Emitting;
using ModelGen.Generator.Layers;
using ModelGen.Generator.Model;

namespace ModelGen.Generator.Parsing
{
    /// <summary>
    /// Resolves the layers of a graph in declaration order (which is topological: a layer reads only the
    /// input and layers declared before it), each through its <see cref="LayerKind"/> on the shapes of what
    /// it reads. Checks what concerns the whole graph: names, what each layer reads, outputs nothing reads,
    /// sizes that do not fit an array, the total parameter count, and that something is trainable.
    /// </summary>
    internal static class LayerResolver
    {
        /// <summary>The largest float[] .NET allocates (Array.MaxLength).</summary>
        private const long MaxArrayLength = ModelEmitter.MaxArrayLength;

        // Softmax placement is checked where the activation is read (AttributeArguments.Activation), so
        // it is reported even when an earlier layer could not be resolved.

        /// <summary>Returns the resolved layers, or null when one of them could not be resolved.</summary>
        public static List<LayerSpec>? Resolve(List<LayerDeclaration> declarations, Shape? input, string inputName, bool inputDeclared,
            string className, LocationInfo? classLocation, List<DiagnosticInfo> diagnostics)
        {
            var layers = new List<LayerSpec>();
            var declaredAt = new Dictionary<string, int>(StringComparer.Ordinal);
            for (int i = 0; i < declarations.Count; i++)
                if (!declaredAt.ContainsKey(declarations[i].Name)) declaredAt[declarations[i].Name] = i;

            // What each name holds once resolved: its shape (null when it could not be resolved) and, for a flat
            // tensor that a Flatten made from an image with only element-wise layers since, that image.
            var shapes = new Dictionary<string, Shape?>(StringComparer.Ordinal) { [inputName] = input };
            var flattened = new Dictionary<string, Shape?>(StringComparer.Ordinal);
            var read = new HashSet<string>(StringComparer.Ordinal);
            var names = new HashSet<string>(StringComparer.Ordinal);
            bool complete = input is not null;
            long parameterCount = 0;
            bool overflowReported = false;
            bool unknownInputs = false;
            for (int index = 0; index < declarations.Count; index++)
            {
                LayerDeclaration declaration = declarations[index];
                LocationInfo? location = declaration.Location;
                string name = declaration.Name;
                AttributeArguments arguments = declaration.Arguments();
                // Read as the expander read them, so a Name or Input of the wrong type marks the attribute unreadable.
                arguments.String("Name");
                arguments.String("Input");
                if (arguments.Unreadable)
                {
                    diagnostics.Add(DiagnosticInfo.Create(Diagnostics.ArgumentNotConstant, location, declaration.Kind.DisplayName, className));
                    complete = false;
                    shapes[name] = null;
                    continue;
                }
                if (!SyntaxFacts.IsValidIdentifier(name) || SyntaxFacts.GetKeywordKind(name) != SyntaxKind.None)
                    diagnostics.Add(DiagnosticInfo.Create(Diagnostics.InvalidLayerName, location, name, className));
                else if (name == inputName)
                    diagnostics.Add(DiagnosticInfo.Create(Diagnostics.LayerNamedLikeInput, location, name, className));
                else if (!names.Add(name))
                    diagnostics.Add(DiagnosticInfo.Create(Diagnostics.DuplicateLayerName, location, className, name));

                var inputShapes = new List<Shape?>();
                bool inputsKnown = true;
                foreach (string source in declaration.Inputs)
                {
                    read.Add(source);
                    if (shapes.TryGetValue(source, out Shape? shape) && (source == inputName || declaredAt[source] < index))
                    {
                        inputShapes.Add(shape);
                        continue;
                    }
                    string why = source == name ? "which is itself"
                        : source == AttributeArguments.BlockInputName ? "but Block.Input only names a block's input, inside a [Block]"
                        : declaredAt.TryGetValue(source, out int at) && at > index ? "which is declared after it; a layer may only read the input or layers declared before it"
                        : "which is neither the input ('" + inputName + "') nor the name of a layer";
                    diagnostics.Add(DiagnosticInfo.Create(Diagnostics.UnknownInput, location, name, className, source, why));
                    inputShapes.Add(null);
                    inputsKnown = false;
                    unknownInputs = true;
                }

                bool isLast = index == declarations.Count - 1;
                var context = new LayerReadContext(className, name, inputShapes, declaration.Inputs, isLast, location, diagnostics)
                {
                    FlattenedImage = declaration.Inputs.Length > 0 && flattened.TryGetValue(declaration.Inputs[0], out Shape? image) ? image : null,
                    SavedName = declaration.SavedName,
                };
                string? placeholder = arguments.FindPlaceholderOutsideBlock();
                LayerSpec? layer = placeholder is null && (inputsKnown || declaration.Kind.HasSeveralInputs) ? declaration.Kind.Read(context, arguments) : null;
                if (arguments.Unreadable)
                {
                    diagnostics.Add(DiagnosticInfo.Create(Diagnostics.ArgumentNotConstant, location, declaration.Kind.DisplayName, className));
                    layer = null;
                }
                if (placeholder is not null)
                {
                    diagnostics.Add(DiagnosticInfo.Create(Diagnostics.PlaceholderOutsideBlock, location, name, className, placeholder));
                    layer = null;
                }
                if (layer is null || !inputsKnown)
                {
                    complete = false;
                    shapes[name] = null;
                    continue;
                }

                if (LargestBuffer(layer) is { } largest && largest.Values > MaxArrayLength)
                {
                    diagnostics.Add(DiagnosticInfo.Create(Diagnostics.TensorTooLarge, location, "layer '" + name + "'", className,
                        Format.Count(largest.Values), largest.What, Format.Count(MaxArrayLength)));
                    complete = false;
                    shapes[name] = null;
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

                layers.Add(layer with { InputNames = new EquatableArray<string>(declaration.Inputs) });
                shapes[name] = layer.Output;
                flattened[name] = layer switch
                {
                    FlattenSpec flatten => flatten.Input,
                    _ when layer.Kind.IsElementWise && context.FlattenedImage is { } source => source, // the values keep their order
                    _ => null,
                };
            }

            // Every layer but the last must be read by a later one: the network has one output. (After a wrong
            // input name, the layer meant to be read would be reported too: that is the same mistake.)
            for (int index = 0; index < declarations.Count - 1 && !unknownInputs; index++)
            {
                if (!read.Contains(declarations[index].Name) && names.Contains(declarations[index].Name))
                {
                    diagnostics.Add(DiagnosticInfo.Create(Diagnostics.UnusedOutput, declarations[index].Location, declarations[index].Name, className,
                        declarations[declarations.Count - 1].Name));
                    complete = false;
                }
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
