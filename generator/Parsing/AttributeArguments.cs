using System;
using System.Collections.Generic;
using System.Linq;
using ModelGen.Generator.Model;
using ModelGen.Generator.Layers;

namespace ModelGen.Generator.Parsing
{
    /// <summary>What one [Use] of a block sets: the values of Block.Filters and Block.Stride.</summary>
    internal sealed record BlockValues(int Filters, int Stride);

    /// <summary>
    /// A layer attribute's arguments by parameter name (constructor parameters, optional ones with their
    /// defaults, and named properties), so a kind reads "filters" whichever constructor was used. Reads the values
    /// the transform captured (<see cref="RawAttribute"/>), never Roslyn's objects. A value
    /// that is missing, of the wrong type or not a constant marks the attribute unreadable (MG0010).
    /// </summary>
    internal sealed class AttributeArguments
    {
        private readonly Dictionary<string, ArgumentValue> _values = new Dictionary<string, ArgumentValue>(StringComparer.Ordinal);

        /// <summary>Block.Filters and Block.Stride (ModelGen.Block): placeholders a [Use] replaces.</summary>
        internal const int FiltersPlaceholder = -1_000_001, StridePlaceholder = -1_000_002;

        /// <summary>Block.Input: names a block's input.</summary>
        internal const string BlockInputName = "(block input)";

        private readonly BlockValues? _block;

        private readonly RawAttribute _attribute;

        public AttributeArguments(RawAttribute attribute, BlockValues? block = null)
        {
            _block = block;
            _attribute = attribute;
            Unreadable = !attribute.Readable;
            if (attribute.Readable)
                foreach (RawArgument argument in attribute.Arguments) _values[argument.Name] = argument.Value;
        }

        /// <summary>Whether some argument could not be read; the parser then reports MG0010.</summary>
        public bool Unreadable { get; private set; }

        public bool Has(string name) => _values.ContainsKey(name);

        public int Int(string name, int fallback)
        {
            if (!_values.TryGetValue(name, out ArgumentValue? value)) return fallback;
            if (value.Kind == ArgumentKind.Int)
            {
                int i = value.Int;
                // Inside a block, its [Use]'s values; outside, the resolver reports the placeholder (FindPlaceholderOutsideBlock).
                if ((i == FiltersPlaceholder || i == StridePlaceholder) && _block is { } block) return i == FiltersPlaceholder ? block.Filters : block.Stride;
                return i;
            }
            Unreadable = true;
            return fallback;
        }

        /// <summary>Block.Filters or Block.Stride among the arguments of an attribute outside a block (MG0044): its name, or null.</summary>
        public string? FindPlaceholderOutsideBlock()
        {
            if (_block is not null) return null;
            // In argument order (constructor parameters, then properties), as the arguments were declared.
            foreach (RawArgument argument in _attribute.Readable ? _attribute.Arguments : EquatableArray<RawArgument>.Empty)
            {
                if (argument.Value.Kind != ArgumentKind.Int) continue;
                if (argument.Value.Int == FiltersPlaceholder) return "Block.Filters";
                if (argument.Value.Int == StridePlaceholder) return "Block.Stride";
            }
            return null;
        }

        public bool Bool(string name, bool fallback)
        {
            if (!_values.TryGetValue(name, out ArgumentValue? value)) return fallback;
            if (value.Kind == ArgumentKind.Bool) return value.Bool;
            Unreadable = true;
            return fallback;
        }

        /// <summary>A string array argument (params string[]): null when absent; unreadable when an element is not a string constant.</summary>
        public string[]? Strings(string name)
        {
            if (!_values.TryGetValue(name, out ArgumentValue? value)) return null;
            if (value.Kind == ArgumentKind.Strings) return value.Texts.ToArray();
            Unreadable = true;
            return null;
        }

        /// <summary>A typeof(...) argument: null when absent, unreadable when not a named type.</summary>
        public TypeRef? Type(string name)
        {
            if (!_values.TryGetValue(name, out ArgumentValue? value)) return null;
            if (value.Kind == ArgumentKind.Type && value.Type is not null) return value.Type;
            Unreadable = true;
            return null;
        }

        public float Float(string name, float fallback)
        {
            if (!_values.TryGetValue(name, out ArgumentValue? value)) return fallback;
            if (value.Kind == ArgumentKind.Float) return value.Float;
            Unreadable = true;
            return fallback;
        }

        public double Double(string name, double fallback)
        {
            if (!_values.TryGetValue(name, out ArgumentValue? value)) return fallback;
            if (value.Kind == ArgumentKind.Double) return value.Number;
            Unreadable = true;
            return fallback;
        }

        /// <summary>The Name property: null when absent or null; unreadable when not a string constant.</summary>
        public string? String(string name)
        {
            if (!_values.TryGetValue(name, out ArgumentValue? value)) return null;
            if (value.Kind == ArgumentKind.String) return value.Text;
            if (value.Kind == ArgumentKind.Null) return null;
            Unreadable = true;
            return null;
        }

        /// <summary>
        /// Reads an activation ("activation") and, for LeakyReLU, its "Slope"; reports undefined values, bad
        /// slopes and (where the kind allows Softmax at all) a Softmax that is not on the last layer.
        /// </summary>
        public ActivationSpec? Activation(LayerReadContext context, bool softmaxAllowed)
        {
            int value = Int("activation", 0); // an enum argument arrives as its underlying int
            float slope = Float("Slope", 0.01f);
            if (Unreadable) return null;
            if (!Enum.IsDefined(typeof(ActivationKind), value))
            {
                context.Report(Diagnostics.UndefinedEnumValue, "The activation of layer '" + context.Name + "'", context.ClassName, value, "Activation");
                return null;
            }
            var kind = (ActivationKind)value;
            var activation = new ActivationSpec(kind, kind == ActivationKind.LeakyReLU ? slope : 0f);
            context.CheckSlope(activation);
            if (softmaxAllowed && kind == ActivationKind.Softmax && !context.IsLast)
                context.Report(Diagnostics.SoftmaxNotLast, context.Name, context.ClassName);
            return activation;
        }

        /// <summary>Reads "Padding"; reports undefined values.</summary>
        public PaddingKind? Padding(LayerReadContext context)
        {
            int value = Int("Padding", 0);
            if (Unreadable) return null;
            // Explicit (2) is the ONNX importer's own: the Padding enum of the attributes has only Valid and Same.
            if (value is not ((int)PaddingKind.Valid or (int)PaddingKind.Same))
            {
                context.Report(Diagnostics.UndefinedEnumValue, "The padding of layer '" + context.Name + "'", context.ClassName, value, "Padding");
                return null;
            }
            return (PaddingKind)value;
        }
    }
}
