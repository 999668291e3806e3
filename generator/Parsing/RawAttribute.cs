using System;
using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using ModelGen.Generator.Model;

namespace ModelGen.Generator.Parsing
{
    /// <summary>What one attribute argument holds, as far as ModelGen reads it.</summary>
    internal enum ArgumentKind
    {
        /// <summary>Not a constant, of a type no reader takes, or an error: every reader marks the attribute unreadable.</summary>
        Unreadable,
        /// <summary>A null string constant (only a string reader takes it, as null).</summary>
        Null,
        /// <summary>An int, or an enum value (its underlying int).</summary>
        Int,
        Float,
        Double,
        Bool,
        String,
        /// <summary>A non-null array of string constants.</summary>
        Strings,
        /// <summary>typeof(a named type).</summary>
        Type,
    }

    /// <summary>
    /// A type named by typeof(...), as plain values: <see cref="FullName"/> identifies it (a block used inside itself),
    /// <see cref="DefinitionName"/> finds its [Block] declaration, the other two are for messages.
    /// </summary>
    internal sealed record TypeRef(string FullName, string DefinitionName, string DisplayName, string Name, bool ExternalBlock)
    {
        public static TypeRef From(INamedTypeSymbol type, Compilation? compilation) => new TypeRef(
            type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat),
            type.OriginalDefinition.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat),
            type.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat),
            type.Name,
            IsExternalBlock(type, compilation));

        /// <summary>
        /// A [Block] class of another assembly: the [Block] pipeline only sees this compilation's declarations, and such
        /// a block has no layers ModelGen can read (its attributes have no syntax), as it had before the pipeline read blocks.
        /// </summary>
        private static bool IsExternalBlock(INamedTypeSymbol type, Compilation? compilation)
        {
            if (compilation is null || SymbolEqualityComparer.Default.Equals(type.ContainingAssembly, compilation.Assembly)) return false;
            foreach (AttributeData attribute in type.GetAttributes())
                if (attribute.AttributeClass?.ToDisplayString() == BlockExpander.BlockAttributeName) return true;
            return false;
        }
    }

    /// <summary>One attribute argument's value as plain, value-equatable data.</summary>
    internal sealed record ArgumentValue(ArgumentKind Kind, double Number = 0, string? Text = null, EquatableArray<string> Texts = default, TypeRef? Type = null)
    {
        public static readonly ArgumentValue Unreadable = new ArgumentValue(ArgumentKind.Unreadable);

        public int Int => (int)Number;

        public float Float => (float)Number;

        public bool Bool => Number != 0;

        public static ArgumentValue From(TypedConstant constant, Compilation? compilation)
        {
            switch (constant.Kind)
            {
                case TypedConstantKind.Array:
                {
                    if (constant.IsNull) return Unreadable;
                    var texts = new string[constant.Values.Length];
                    for (int i = 0; i < texts.Length; i++)
                    {
                        TypedConstant element = constant.Values[i];
                        if (element.Kind == TypedConstantKind.Array || element.Value is not string text) return Unreadable;
                        texts[i] = text;
                    }
                    return new ArgumentValue(ArgumentKind.Strings, Texts: new EquatableArray<string>(texts));
                }
                case TypedConstantKind.Type:
                    return constant.Value is INamedTypeSymbol type
                        ? new ArgumentValue(ArgumentKind.Type, Type: TypeRef.From(type, compilation))
                        : Unreadable;
                case TypedConstantKind.Primitive:
                case TypedConstantKind.Enum:
                    return constant.Value switch
                    {
                        null => constant.Kind == TypedConstantKind.Primitive ? new ArgumentValue(ArgumentKind.Null) : Unreadable,
                        int i => new ArgumentValue(ArgumentKind.Int, i),
                        float f => new ArgumentValue(ArgumentKind.Float, f),
                        double d => new ArgumentValue(ArgumentKind.Double, d),
                        bool b => new ArgumentValue(ArgumentKind.Bool, b ? 1 : 0),
                        string s when constant.Kind == TypedConstantKind.Primitive => new ArgumentValue(ArgumentKind.String, Text: s),
                        _ => Unreadable,
                    };
                default:
                    return Unreadable;
            }
        }
    }

    /// <summary>One argument by parameter (or property) name.</summary>
    internal sealed record RawArgument(string Name, ArgumentValue Value);

    /// <summary>
    /// An attribute as written, as plain values: its arguments by parameter name (constructor parameters, optional ones with
    /// their defaults, then named properties, a property replacing a parameter of its name in place), and where it is.
    /// <see cref="Readable"/> is false when the compiler could not bind it to a constructor: only the named arguments are
    /// kept then, and <see cref="AttributeArguments"/> reads none of them (the [Model]'s Loss is still read).
    /// </summary>
    internal sealed record RawAttribute(bool Readable, EquatableArray<RawArgument> Arguments, LocationInfo? Location)
    {
        public static RawAttribute From(AttributeData attribute, Location? location, Compilation? compilation)
        {
            LocationInfo? where = LocationInfo.From(location);
            IMethodSymbol? constructor = attribute.AttributeConstructor;
            bool readable = constructor is not null && constructor.Parameters.Length == attribute.ConstructorArguments.Length;

            var names = new List<string>();
            var values = new Dictionary<string, TypedConstant>(StringComparer.Ordinal);
            void Set(string name, TypedConstant value)
            {
                if (!values.ContainsKey(name)) names.Add(name);
                values[name] = value;
            }
            if (readable)
                for (int i = 0; i < constructor!.Parameters.Length; i++) Set(constructor.Parameters[i].Name, attribute.ConstructorArguments[i]);
            foreach (KeyValuePair<string, TypedConstant> named in attribute.NamedArguments) Set(named.Key, named.Value);

            var arguments = new List<RawArgument>(names.Count);
            foreach (string name in names) arguments.Add(new RawArgument(name, ArgumentValue.From(values[name], compilation)));
            return new RawAttribute(readable, new EquatableArray<RawArgument>(arguments), where);
        }
    }

    /// <summary>A layer or [Use] attribute of a model or block, as written: <see cref="KindName"/> is the layer attribute's metadata name, null for a [Use].</summary>
    internal sealed record RawLayer(string? KindName, RawAttribute Attribute)
    {
        public bool IsUse => KindName is null;
    }

    /// <summary>A [Block] class as written: its key (fully qualified name), its layer and [Use] attributes in source order, and the blocks those use.</summary>
    internal sealed record RawBlock(string Key, EquatableArray<RawLayer> Layers, EquatableArray<string> UsedBlocks, string? Error = null);

    /// <summary>
    /// A member the user declared in a model class that a generated one could collide with: a non-method member, or a
    /// constructor the generator also writes (<see cref="Constructor"/> "()" or "(ulong)", else null).
    /// </summary>
    internal sealed record UserMember(string Name, LocationInfo? Location, string? Constructor);
}
