using System;
using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using ModelGen.Generator.Layers;

namespace ModelGen.Generator.Parsing
{
    /// <summary>
    /// A layer attribute's arguments by parameter name (constructor parameters, optional ones with their
    /// defaults, and named properties), so a kind reads "filters" whichever constructor was used. A value
    /// that is missing, of the wrong type or not a constant marks the attribute unreadable (MG0010).
    /// </summary>
    internal sealed class AttributeArguments
    {
        private readonly Dictionary<string, TypedConstant> _values = new Dictionary<string, TypedConstant>(StringComparer.Ordinal);

        public AttributeArguments(AttributeData attribute)
        {
            IMethodSymbol? constructor = attribute.AttributeConstructor;
            if (constructor is null || constructor.Parameters.Length != attribute.ConstructorArguments.Length)
            {
                Unreadable = true;
                return;
            }
            for (int i = 0; i < constructor.Parameters.Length; i++) _values[constructor.Parameters[i].Name] = attribute.ConstructorArguments[i];
            foreach (KeyValuePair<string, TypedConstant> named in attribute.NamedArguments) _values[named.Key] = named.Value;
        }

        /// <summary>Whether some argument could not be read; the parser then reports MG0010.</summary>
        public bool Unreadable { get; private set; }

        public bool Has(string name) => _values.ContainsKey(name);

        public int Int(string name, int fallback)
        {
            if (!_values.TryGetValue(name, out TypedConstant value)) return fallback;
            if (Usable(value) && value.Value is int i) return i;
            Unreadable = true;
            return fallback;
        }

        public float Float(string name, float fallback)
        {
            if (!_values.TryGetValue(name, out TypedConstant value)) return fallback;
            if (Usable(value) && value.Value is float f) return f;
            Unreadable = true;
            return fallback;
        }

        public double Double(string name, double fallback)
        {
            if (!_values.TryGetValue(name, out TypedConstant value)) return fallback;
            if (Usable(value) && value.Value is double d) return d;
            Unreadable = true;
            return fallback;
        }

        /// <summary>The Name property: null when absent or null; unreadable when not a string constant.</summary>
        public string? String(string name)
        {
            if (!_values.TryGetValue(name, out TypedConstant value)) return null;
            if (value.Kind == TypedConstantKind.Primitive && (value.Value is string || value.Value is null)) return value.Value as string;
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

        private static bool Usable(TypedConstant value) => value.Kind != TypedConstantKind.Error && !value.IsNull;
    }
}
