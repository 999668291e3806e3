using System.Reflection;
using System.Runtime.CompilerServices;
using Microsoft.CodeAnalysis;

namespace ModelGen.Generator.Tests.Incremental;

/// <summary>
/// Walks an object graph by reflection and lists every Roslyn object that would defeat caching if a
/// pipeline step held it: symbols, syntax, semantic models, compilations, trees and source locations
/// all pin a compilation and never compare equal across runs. Fields are walked, private ones and
/// those of base types included, and arrays element by element; that covers every property, since
/// an auto-property or a record's property is stored in a field and other properties are computed
/// from fields.
/// </summary>
public sealed class RoslynObjectFinder
{
    private readonly HashSet<object> _visited = new(ReferenceEqualityComparer.Instance);

    /// <summary>Paths to the forbidden objects found, e.g. "ParseResult.Model.Layers._items[0]: SyntaxNode".</summary>
    public List<string> Found { get; } = [];

    /// <summary>Every type walked into, to check that the walk reached what it was meant to.</summary>
    public HashSet<Type> VisitedTypes { get; } = [];

    public void Walk(object? value, string path)
    {
        if (value is null) return;
        Type type = value.GetType();
        if (Forbidden(value) is string kind)
        {
            Found.Add(path + ": " + kind + " (" + type.Name + ")");
            return;
        }
        if (type.IsPrimitive || type.IsEnum || type.IsPointer || value is string or decimal or Type or MemberInfo) return;
        if (!type.IsValueType && !_visited.Add(value)) return;
        VisitedTypes.Add(type);

        if (value is Array array)
        {
            int index = 0;
            foreach (object? element in array) Walk(element, $"{path}[{index++}]");
            return;
        }
        for (Type? current = type; current is not null && current != typeof(object); current = current.BaseType)
        {
            foreach (FieldInfo field in current.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
            {
                if (field.FieldType.IsPointer || field.FieldType.IsByRefLike) continue;
                Walk(field.GetValue(value), path + "." + field.Name);
            }
        }
    }

    private static string? Forbidden(object value) => value switch
    {
        ISymbol => nameof(ISymbol),
        SyntaxNode => nameof(SyntaxNode),
        SyntaxToken => nameof(SyntaxToken),
        SyntaxTree => nameof(SyntaxTree),
        SemanticModel => nameof(SemanticModel),
        Compilation => nameof(Compilation),
        Location { IsInSource: true } => "Location in source",
        AttributeData => nameof(AttributeData),
        Delegate => nameof(Delegate) + " (may capture anything)",
        _ => null,
    };
}
