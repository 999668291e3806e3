using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using ModelGen.Generator.Layers;
using ModelGen.Generator.Model;

namespace ModelGen.Generator.Parsing
{
    /// <summary>
    /// The pipeline's transform: reads one [Model] declaration into a <see cref="ModelSpec"/> and its
    /// diagnostics. Nothing from Roslyn's object model leaves this class.
    /// </summary>
    internal static class ModelParser
    {
        public const string ModelAttributeName = "ModelGen.ModelAttribute";
        private const string InputAttributeName = "ModelGen.InputAttribute";

        public static ParseResult Parse(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
        {
            // The generator must never throw, even on code that does not compile: anything unexpected
            // becomes a diagnostic naming the class instead of a generator crash (CS8785).
            try
            {
                return ParseCore(context, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                throw;
            }
            catch (Exception exception)
            {
                var diagnostic = DiagnosticInfo.Create(Diagnostics.InternalError, context.TargetNode.GetLocation(),
                    context.TargetSymbol.Name, exception.GetType().Name + ": " + exception.Message);
                return new ParseResult(null, new EquatableArray<DiagnosticInfo>(new[] { diagnostic }));
            }
        }

        private static ParseResult ParseCore(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
        {
            var diagnostics = new List<DiagnosticInfo>();
            var type = (INamedTypeSymbol)context.TargetSymbol;
            var declaration = (TypeDeclarationSyntax)context.TargetNode;
            string className = type.Name;
            Location classLocation = declaration.Identifier.GetLocation();

            ParseResult Fail() => new ParseResult(null, new EquatableArray<DiagnosticInfo>(diagnostics));

            // A declaration the parser had to invent a name for (code being typed) already has a
            // compiler error, and there is nothing to name the generated class after.
            for (SyntaxNode? node = declaration; node is TypeDeclarationSyntax typeDeclaration; node = node.Parent)
            {
                if (typeDeclaration.Identifier.IsMissing) return Fail();
            }

            // The generated code is a 'partial class': any other kind of type would not merge with it.
            if (declaration is not ClassDeclarationSyntax)
            {
                string kind = Keyword(declaration);
                diagnostics.Add(DiagnosticInfo.Create(Diagnostics.NotAClass, classLocation, className,
                    (kind.StartsWith("i", StringComparison.Ordinal) ? "an " : "a ") + kind));
                return Fail();
            }

            // [Model] on several partial declarations is already a compiler error (CS0579); only the
            // declaration with the first one is read, so the layers are not reported once per copy.
            if (!HasFirstModelAttribute(type, declaration, cancellationToken)) return Fail();

            CheckDeclaration(type, declaration, classLocation, diagnostics);

            LossKind loss = ReadLoss(context.Attributes[0], className, diagnostics);

            // Layer attributes (and [Use]s of blocks) in source order. Attributes on another partial declaration
            // have no defined order relative to these, so they are refused.
            var layerAttributes = new List<(AttributeData Data, AttributeSyntax Syntax, LayerKind? Kind, bool IsInput)>();
            bool inputElsewhere = false, layersElsewhere = false;
            foreach (AttributeData attribute in type.GetAttributes())
            {
                string? name = attribute.AttributeClass?.ToDisplayString();
                bool isInput = name == InputAttributeName;
                LayerKind? kind = LayerKinds.ByAttributeName(name);
                if (!isInput && kind is null && name != BlockExpander.UseAttributeName) continue;
                if (attribute.ApplicationSyntaxReference?.GetSyntax(cancellationToken) is not AttributeSyntax syntax) continue;
                if (syntax.SyntaxTree != declaration.SyntaxTree || !declaration.Span.Contains(syntax.Span))
                {
                    diagnostics.Add(DiagnosticInfo.Create(Diagnostics.LayersOnOtherDeclaration, syntax.GetLocation(),
                        isInput ? "Input" : kind?.DisplayName ?? "Use", className));
                    if (isInput) inputElsewhere = true;
                    else layersElsewhere = true;
                    continue;
                }
                layerAttributes.Add((attribute, syntax, kind, isInput));
            }
            layerAttributes.Sort((a, b) => a.Syntax.SpanStart.CompareTo(b.Syntax.SpanStart));

            Shape? input = null;
            string inputName = "input";
            bool sawInput = false;
            var layerDeclarations = new List<RawDeclaration>();
            foreach (var (data, syntax, kind, isInput) in layerAttributes)
            {
                if (!isInput)
                {
                    layerDeclarations.Add(new RawDeclaration(data, syntax.GetLocation(), kind));
                    continue;
                }
                if (sawInput)
                {
                    diagnostics.Add(DiagnosticInfo.Create(Diagnostics.DuplicateInput, syntax.GetLocation(), className));
                    continue;
                }
                sawInput = true;
                input = InputReader.Read(data, syntax.GetLocation(), className, diagnostics);
                inputName = InputReader.Name(data, syntax.GetLocation(), className, diagnostics);
            }

            // A layer on another declaration was reported as such; it is not also "missing".
            if (!sawInput && !inputElsewhere) diagnostics.Add(DiagnosticInfo.Create(Diagnostics.MissingInput, classLocation, className));
            if (layerDeclarations.Count == 0 && !layersElsewhere) diagnostics.Add(DiagnosticInfo.Create(Diagnostics.MissingLayers, classLocation, className));

            List<LayerDeclaration> expanded = BlockExpander.Expand(layerDeclarations, inputName, className, diagnostics, cancellationToken);
            List<LayerSpec>? layers = LayerResolver.Resolve(expanded, input, inputName, sawInput, className, classLocation, diagnostics);
            if (layers is not null && layers.Count > 0) CheckLoss(ref loss, layers[layers.Count - 1], className, context.Attributes[0], diagnostics);
            RemoveRepeats(diagnostics);

            if (diagnostics.Count > 0 || layers is null || input is null) return Fail();

            var containing = new List<ContainingType>();
            for (SyntaxNode? parent = declaration.Parent; parent is TypeDeclarationSyntax outer; parent = outer.Parent)
            {
                containing.Insert(0, new ContainingType(Keyword(outer), outer.Identifier.ValueText));
            }
            string? ns = type.ContainingNamespace.IsGlobalNamespace ? null : type.ContainingNamespace.ToDisplayString();
            var model = new ModelSpec(ns, new EquatableArray<ContainingType>(containing), className, input.Value,
                new EquatableArray<LayerSpec>(layers), loss, InputName: inputName);
            CheckNameConflicts(model, type, classLocation, diagnostics);
            if (diagnostics.Count > 0) return Fail();
            return new ParseResult(model, EquatableArray<DiagnosticInfo>.Empty);
        }

        /// <summary>A block used several times reports a problem of its own once per use; keep the first of equal reports.</summary>
        private static void RemoveRepeats(List<DiagnosticInfo> diagnostics)
        {
            var seen = new HashSet<DiagnosticInfo>();
            diagnostics.RemoveAll(d => !seen.Add(d));
        }

        internal static void CheckDeclaration(INamedTypeSymbol type, TypeDeclarationSyntax declaration, Location classLocation,
            List<DiagnosticInfo> diagnostics)
        {
            string className = type.Name;
            // Every type that lacks 'partial' gets its own error, on its name, where the fix goes.
            for (TypeDeclarationSyntax? current = declaration; current is not null; current = current.Parent as TypeDeclarationSyntax)
            {
                if (current.Modifiers.Any(SyntaxKind.PartialKeyword)) continue;
                string reason = current == declaration
                    ? "ModelGen adds the generated members to it"
                    : "it contains the model class '" + className + "'";
                diagnostics.Add(DiagnosticInfo.Create(Diagnostics.NotPartial, current.Identifier.GetLocation(),
                    current.Identifier.ValueText, reason));
            }
            if (declaration.Modifiers.Any(SyntaxKind.StaticKeyword))
            {
                diagnostics.Add(DiagnosticInfo.Create(Diagnostics.StaticModel, classLocation, className));
            }
            for (INamedTypeSymbol? current = type; current is not null; current = current.ContainingType)
            {
                if (current.TypeParameters.Length > 0)
                {
                    string which = SymbolEqualityComparer.Default.Equals(current, type)
                        ? "is generic"
                        : "is nested in the generic type '" + current.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat) + "'";
                    diagnostics.Add(DiagnosticInfo.Create(Diagnostics.GenericModel, classLocation, className, which));
                    break;
                }
            }
        }

        /// <summary>Whether <paramref name="declaration"/> holds the type's first [Model] attribute.</summary>
        private static bool HasFirstModelAttribute(INamedTypeSymbol type, TypeDeclarationSyntax declaration, CancellationToken cancellationToken)
        {
            foreach (AttributeData attribute in type.GetAttributes())
            {
                if (attribute.AttributeClass?.ToDisplayString() != ModelAttributeName) continue;
                SyntaxNode? syntax = attribute.ApplicationSyntaxReference?.GetSyntax(cancellationToken);
                return syntax is null || (syntax.SyntaxTree == declaration.SyntaxTree && declaration.Span.Contains(syntax.Span));
            }
            return true;
        }

        /// <summary>
        /// The generated members must not collide with each other, with members the user declared, or
        /// with the class's own name; the generated constructors must not repeat the user's.
        /// </summary>
        private static void CheckNameConflicts(ModelSpec model, INamedTypeSymbol type, Location classLocation,
            List<DiagnosticInfo> diagnostics)
        {
            var generated = new Dictionary<string, string?>(StringComparer.Ordinal);
            foreach (var (name, layer) in Emitting.GeneratedMembers.For(model))
            {
                if (generated.TryGetValue(name, out string? owner))
                {
                    diagnostics.Add(DiagnosticInfo.Create(Diagnostics.NameConflict, classLocation, type.Name,
                        "the generated member '" + name + "' of " + Describe(layer) + " has the same name as the one of " + Describe(owner),
                        "rename a layer"));
                    return;
                }
                generated.Add(name, layer);
            }
            if (generated.TryGetValue(type.Name, out string? clash))
            {
                diagnostics.Add(DiagnosticInfo.Create(Diagnostics.NameConflict, classLocation, type.Name,
                    "the class has the name of the generated member '" + type.Name + "' of " + Describe(clash),
                    "rename the class" + (clash is null ? "" : " or the layer")));
                return;
            }
            foreach (ISymbol member in type.GetMembers())
            {
                if (member.IsImplicitlyDeclared) continue;
                if (member is IMethodSymbol { MethodKind: MethodKind.Constructor, IsStatic: false } constructor)
                {
                    bool parameterless = constructor.Parameters.Length == 0;
                    bool seeded = constructor.Parameters.Length == 1 && constructor.Parameters[0].Type.SpecialType == SpecialType.System_UInt64;
                    if (parameterless || seeded)
                    {
                        diagnostics.Add(DiagnosticInfo.Create(Diagnostics.NameConflict, constructor.Locations.FirstOrDefault() ?? classLocation, type.Name,
                            "it declares the constructor " + type.Name + (parameterless ? "()" : "(ulong)") + ", which the generator writes (it initialises the parameters from a seed)",
                            "remove it, or give your constructor other parameters and call this(seed) from it"));
                    }
                    continue;
                }
                if (member is IMethodSymbol { MethodKind: MethodKind.Ordinary }) continue; // overloads of generated methods are allowed
                if (generated.TryGetValue(member.Name, out string? layer))
                {
                    diagnostics.Add(DiagnosticInfo.Create(Diagnostics.NameConflict, member.Locations.FirstOrDefault() ?? classLocation, type.Name,
                        "its member '" + member.Name + "' has the name of a member generated for " + Describe(layer),
                        "rename the member" + (layer is null ? "" : " or the layer")));
                }
            }
        }

        private static string Describe(string? layer) => layer is null ? "the model" : "layer '" + layer + "'";

        private static LossKind ReadLoss(AttributeData model, string className, List<DiagnosticInfo> diagnostics)
        {
            Location? location = model.ApplicationSyntaxReference?.GetSyntax().GetLocation();
            foreach (KeyValuePair<string, TypedConstant> argument in model.NamedArguments)
            {
                if (argument.Key != "Loss") continue;
                if (!TryGetInt(argument.Value, out int value))
                {
                    diagnostics.Add(DiagnosticInfo.Create(Diagnostics.ArgumentNotConstant, location, "Model", className));
                    return LossKind.Auto;
                }
                if (!Enum.IsDefined(typeof(LossKind), value))
                {
                    diagnostics.Add(DiagnosticInfo.Create(Diagnostics.UndefinedEnumValue, location, "The loss", className, value, "Loss"));
                    return LossKind.Auto;
                }
                return (LossKind)value;
            }
            if (model.AttributeConstructor is null)
            {
                diagnostics.Add(DiagnosticInfo.Create(Diagnostics.ArgumentNotConstant, location, "Model", className));
            }
            return LossKind.Auto;
        }

        private static void CheckLoss(ref LossKind loss, LayerSpec output, string className, AttributeData model,
            List<DiagnosticInfo> diagnostics)
        {
            bool softmax = output.LayerActivation?.Kind == ActivationKind.Softmax;
            string outputKind = output.LayerActivation is { } activation ? activation.Kind.ToString() : output.Kind.DisplayName;
            if (loss == LossKind.Auto) loss = softmax ? LossKind.SparseCategoricalCrossEntropy : LossKind.MeanSquaredError;
            Location? location = model.ApplicationSyntaxReference?.GetSyntax().GetLocation();
            if (loss == LossKind.SparseCategoricalCrossEntropy && !softmax)
            {
                diagnostics.Add(DiagnosticInfo.Create(Diagnostics.LossDoesNotFit, location, className,
                    "SparseCategoricalCrossEntropy", outputKind,
                    "sparse categorical cross-entropy needs a Softmax last layer (it is computed fused with the softmax), so make the last layer Softmax or use Loss.MeanSquaredError"));
            }
            else if (loss == LossKind.MeanSquaredError && softmax)
            {
                diagnostics.Add(DiagnosticInfo.Create(Diagnostics.LossDoesNotFit, location, className,
                    "MeanSquaredError", "Softmax",
                    "a Softmax output is trained with Loss.SparseCategoricalCrossEntropy (which Loss.Auto picks), so use that loss or another output activation"));
            }
        }

        private static bool TryGetInt(TypedConstant constant, out int value)
        {
            value = 0;
            if (constant.Kind == TypedConstantKind.Error || constant.IsNull) return false;
            if (constant.Value is int i) { value = i; return true; }
            return false;
        }

        internal static string Keyword(TypeDeclarationSyntax declaration) => declaration switch
        {
            RecordDeclarationSyntax record => record.ClassOrStructKeyword.IsKind(SyntaxKind.StructKeyword) ? "record struct" : "record",
            StructDeclarationSyntax => "struct",
            InterfaceDeclarationSyntax => "interface",
            _ => "class",
        };
    }
}
