using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using ModelGen.Generator.Layers;
using ModelGen.Generator.Model;
using ModelGen.Generator.Parsing;

namespace ModelGen.Generator.Onnx
{
    /// <summary>
    /// One [OnnxModel("…")] declaration as plain values: where the class goes, the path it names, and what the
    /// class itself declares (for the name-conflict check), or the diagnostics that stop it.
    /// </summary>
    internal sealed record OnnxDeclaration(
        string? Namespace,
        EquatableArray<ContainingType> ContainingTypes,
        string ClassName,
        string Path,
        LocationInfo? Location,
        EquatableArray<string> UserMembers,
        EquatableArray<DiagnosticInfo> Diagnostics);

    /// <summary>The pipeline's transform of an [OnnxModel] class. Nothing from Roslyn's object model leaves it.</summary>
    internal static class OnnxModelParser
    {
        public const string AttributeName = "ModelGen.OnnxModelAttribute";

        public static OnnxDeclaration? Parse(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
        {
            var type = (INamedTypeSymbol)context.TargetSymbol;
            var declaration = (TypeDeclarationSyntax)context.TargetNode;
            for (SyntaxNode? node = declaration; node is TypeDeclarationSyntax typeDeclaration; node = node.Parent)
            {
                if (typeDeclaration.Identifier.IsMissing) return null;
            }
            AttributeData attribute = context.Attributes[0];
            Location? attributeLocation = attribute.ApplicationSyntaxReference?.GetSyntax(cancellationToken).GetLocation();
            Location classLocation = declaration.Identifier.GetLocation();
            var diagnostics = new List<DiagnosticInfo>();
            try
            {
                if (declaration is not ClassDeclarationSyntax)
                {
                    string kind = ModelParser.Keyword(declaration);
                    diagnostics.Add(DiagnosticInfo.Create(Generator.Diagnostics.NotAClass, classLocation, type.Name,
                        (kind.StartsWith("i", StringComparison.Ordinal) ? "an " : "a ") + kind));
                }
                else ModelParser.CheckDeclaration(type, declaration, classLocation, diagnostics);

                foreach (AttributeData other in type.GetAttributes())
                {
                    string? name = other.AttributeClass?.ToDisplayString();
                    LayerKind? kind = LayerKinds.ByAttributeName(name);
                    string? shown = name == ModelParser.ModelAttributeName ? "Model" : name == MissingModelCheck.InputAttributeName ? "Input" : kind?.DisplayName;
                    if (shown is null) continue;
                    diagnostics.Add(DiagnosticInfo.Create(Generator.Diagnostics.OnnxModelWithLayers,
                        other.ApplicationSyntaxReference?.GetSyntax(cancellationToken).GetLocation() ?? classLocation, type.Name, shown));
                }
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                diagnostics.Add(DiagnosticInfo.Create(Generator.Diagnostics.InternalError, classLocation, type.Name, exception.GetType().Name + ": " + exception.Message));
            }

            string path = attribute.ConstructorArguments.Length == 1 && attribute.ConstructorArguments[0].Value is string p ? p : "";
            if (path.Length == 0 && diagnostics.Count == 0)
                diagnostics.Add(DiagnosticInfo.Create(Generator.Diagnostics.ArgumentNotConstant, attributeLocation, "OnnxModel", type.Name));

            var containing = new List<ContainingType>();
            for (SyntaxNode? parent = declaration.Parent; parent is TypeDeclarationSyntax outer; parent = outer.Parent)
                containing.Insert(0, new ContainingType(ModelParser.Keyword(outer), outer.Identifier.ValueText));
            string? ns = type.ContainingNamespace.IsGlobalNamespace ? null : type.ContainingNamespace.ToDisplayString();
            return new OnnxDeclaration(ns, new EquatableArray<ContainingType>(containing), type.Name, path,
                LocationInfo.From(attributeLocation ?? classLocation), UserMembers(type), new EquatableArray<DiagnosticInfo>(diagnostics));
        }

        /// <summary>
        /// The members the user declared that a generated one could collide with: names of non-method members,
        /// and "ctor()" / "ctor(ulong)" for the constructors the generator writes.
        /// </summary>
        private static EquatableArray<string> UserMembers(INamedTypeSymbol type)
        {
            var names = new List<string>();
            foreach (ISymbol member in type.GetMembers())
            {
                if (member.IsImplicitlyDeclared) continue;
                if (member is IMethodSymbol { MethodKind: MethodKind.Constructor, IsStatic: false } constructor)
                {
                    if (constructor.Parameters.Length == 0) names.Add("ctor()");
                    else if (constructor.Parameters.Length == 1 && constructor.Parameters[0].Type.SpecialType == SpecialType.System_UInt64) names.Add("ctor(ulong)");
                    continue;
                }
                if (member is IMethodSymbol { MethodKind: MethodKind.Ordinary }) continue;
                names.Add(member.Name);
            }
            return new EquatableArray<string>(names.OrderBy(n => n, StringComparer.Ordinal));
        }
    }
}
