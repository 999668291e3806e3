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
    /// One [Model] declaration as plain values, all the transform reads: where the class goes, what stops it (with the
    /// diagnostics only the symbol or syntax can tell: not partial, static, generic, not a class, attributes on another
    /// declaration), its [Model], [Input] and layer attributes as written, the members the user declared (for the
    /// name-conflict check) and the blocks its [Use]s name. Equal declarations give equal values, so the steps after
    /// the transform (block expansion, resolution, emitting) are cached across edits that do not change them.
    /// </summary>
    internal sealed record RawModel(
        string ClassName,
        LocationInfo? ClassLocation,
        string? Namespace,
        EquatableArray<ContainingType> ContainingTypes,
        bool Stopped,
        EquatableArray<DiagnosticInfo> DeclarationDiagnostics,
        RawAttribute? ModelAttribute,
        EquatableArray<DiagnosticInfo> PlacementDiagnostics,
        bool InputElsewhere,
        bool LayersElsewhere,
        EquatableArray<RawAttribute> Inputs,
        EquatableArray<RawLayer> Layers,
        EquatableArray<UserMember> UserMembers,
        EquatableArray<string> UsedBlocks)
    {
        /// <summary>A declaration with nothing more to read: the diagnostics (possibly none) are all it gives.</summary>
        public static RawModel Stop(string className, LocationInfo? classLocation, IEnumerable<DiagnosticInfo> diagnostics) =>
            new RawModel(className, classLocation, null, EquatableArray<ContainingType>.Empty, true, new EquatableArray<DiagnosticInfo>(diagnostics),
                null, EquatableArray<DiagnosticInfo>.Empty, false, false, EquatableArray<RawAttribute>.Empty, EquatableArray<RawLayer>.Empty,
                EquatableArray<UserMember>.Empty, EquatableArray<string>.Empty);
    }

    /// <summary>A model's declaration with the [Block] declarations it reaches (sorted by key): the input of <see cref="ModelParser.Resolve"/>.</summary>
    internal sealed record ModelWithBlocks(RawModel Model, EquatableArray<RawBlock> Blocks);

    /// <summary>
    /// The [Model] pipeline's two halves: <see cref="Parse"/>, the transform, reads one declaration into a
    /// <see cref="RawModel"/> (nothing from Roslyn's object model leaves it), and <see cref="Resolve"/>, a pure step,
    /// expands its blocks and resolves it into a <see cref="ModelSpec"/> and its diagnostics.
    /// </summary>
    internal static class ModelParser
    {
        public const string ModelAttributeName = "ModelGen.ModelAttribute";
        private const string InputAttributeName = "ModelGen.InputAttribute";

        public static RawModel Parse(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
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
                return RawModel.Stop(context.TargetSymbol.Name, null, new[] { diagnostic });
            }
        }

        private static RawModel ParseCore(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
        {
            var diagnostics = new List<DiagnosticInfo>();
            var type = (INamedTypeSymbol)context.TargetSymbol;
            var declaration = (TypeDeclarationSyntax)context.TargetNode;
            Compilation compilation = context.SemanticModel.Compilation;
            string className = type.Name;
            Location classLocation = declaration.Identifier.GetLocation();
            LocationInfo? classLocationInfo = LocationInfo.From(classLocation);

            RawModel Fail() => RawModel.Stop(className, classLocationInfo, diagnostics);

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

            AttributeData modelAttribute = context.Attributes[0];
            RawAttribute model = RawAttribute.From(modelAttribute, modelAttribute.ApplicationSyntaxReference?.GetSyntax(cancellationToken).GetLocation(), compilation);

            // Layer attributes (and [Use]s of blocks) in source order. Attributes on another partial declaration
            // have no defined order relative to these, so they are refused.
            var placement = new List<DiagnosticInfo>();
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
                    placement.Add(DiagnosticInfo.Create(Diagnostics.LayersOnOtherDeclaration, syntax.GetLocation(),
                        isInput ? "Input" : kind?.DisplayName ?? "Use", className));
                    if (isInput) inputElsewhere = true;
                    else layersElsewhere = true;
                    continue;
                }
                layerAttributes.Add((attribute, syntax, kind, isInput));
            }
            layerAttributes.Sort((a, b) => a.Syntax.SpanStart.CompareTo(b.Syntax.SpanStart));

            var inputs = new List<RawAttribute>();
            var layers = new List<RawLayer>();
            foreach (var (data, syntax, kind, isInput) in layerAttributes)
            {
                RawAttribute raw = RawAttribute.From(data, syntax.GetLocation(), compilation);
                if (isInput) inputs.Add(raw);
                else layers.Add(new RawLayer(kind?.AttributeName, raw));
            }

            var containing = new List<ContainingType>();
            for (SyntaxNode? parent = declaration.Parent; parent is TypeDeclarationSyntax outer; parent = outer.Parent)
            {
                containing.Insert(0, new ContainingType(Keyword(outer), outer.Identifier.ValueText));
            }
            string? ns = type.ContainingNamespace.IsGlobalNamespace ? null : type.ContainingNamespace.ToDisplayString();

            return new RawModel(className, classLocationInfo, ns, new EquatableArray<ContainingType>(containing), false,
                new EquatableArray<DiagnosticInfo>(diagnostics), model, new EquatableArray<DiagnosticInfo>(placement), inputElsewhere, layersElsewhere,
                new EquatableArray<RawAttribute>(inputs), new EquatableArray<RawLayer>(layers), UserMembers(type),
                BlockExpander.UsedBlocks(layers));
        }

        /// <summary>
        /// The pure step: expands the model's blocks and resolves its layers, then checks the loss and the generated
        /// members' names. Reads only plain values, so it runs again only when the declaration or a block it uses changes.
        /// </summary>
        public static ParseResult Resolve(ModelWithBlocks input, CancellationToken cancellationToken)
        {
            RawModel raw = input.Model;
            try
            {
                return ResolveCore(raw, BlockExpander.ByKey(input.Blocks), cancellationToken);
            }
            catch (OperationCanceledException)
            {
                throw;
            }
            catch (Exception exception)
            {
                var diagnostic = DiagnosticInfo.Create(Diagnostics.InternalError, raw.ClassLocation,
                    raw.ClassName, exception.GetType().Name + ": " + exception.Message);
                return new ParseResult(null, new EquatableArray<DiagnosticInfo>(new[] { diagnostic }));
            }
        }

        private static ParseResult ResolveCore(RawModel raw, IReadOnlyDictionary<string, RawBlock> blocks, CancellationToken cancellationToken)
        {
            var diagnostics = new List<DiagnosticInfo>(raw.DeclarationDiagnostics);
            ParseResult Fail() => new ParseResult(null, new EquatableArray<DiagnosticInfo>(diagnostics));
            if (raw.Stopped || raw.ModelAttribute is null) return Fail();

            string className = raw.ClassName;
            LocationInfo? classLocation = raw.ClassLocation;
            LossKind loss = ReadLoss(raw.ModelAttribute, className, diagnostics);
            diagnostics.AddRange(raw.PlacementDiagnostics);

            Shape? input = null;
            string inputName = "input";
            bool sawInput = false;
            foreach (RawAttribute attribute in raw.Inputs)
            {
                if (sawInput)
                {
                    diagnostics.Add(DiagnosticInfo.Create(Diagnostics.DuplicateInput, attribute.Location, className));
                    continue;
                }
                sawInput = true;
                input = InputReader.Read(attribute, attribute.Location, className, diagnostics);
                inputName = InputReader.Name(attribute, attribute.Location, className, diagnostics);
            }

            // A layer on another declaration was reported as such; it is not also "missing".
            if (!sawInput && !raw.InputElsewhere) diagnostics.Add(DiagnosticInfo.Create(Diagnostics.MissingInput, classLocation, className));
            if (raw.Layers.Count == 0 && !raw.LayersElsewhere) diagnostics.Add(DiagnosticInfo.Create(Diagnostics.MissingLayers, classLocation, className));

            List<LayerDeclaration> expanded = BlockExpander.Expand(raw.Layers.ToList(), blocks, inputName, className, diagnostics, cancellationToken);
            List<LayerSpec>? layers = LayerResolver.Resolve(expanded, input, inputName, sawInput, className, classLocation, diagnostics);
            if (layers is not null && layers.Count > 0) CheckLoss(ref loss, layers[layers.Count - 1], className, raw.ModelAttribute.Location, diagnostics);
            RemoveRepeats(diagnostics);

            if (diagnostics.Count > 0 || layers is null || input is null) return Fail();

            var model = new ModelSpec(raw.Namespace, raw.ContainingTypes, className, input.Value,
                new EquatableArray<LayerSpec>(layers), loss, InputName: inputName);
            CheckNameConflicts(model, raw.UserMembers, classLocation, diagnostics);
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
        /// The members the user declared that a generated one could collide with, in declaration order: non-method
        /// members, and the constructors the generator also writes. Read in the transform (it needs the symbol).
        /// </summary>
        private static EquatableArray<UserMember> UserMembers(INamedTypeSymbol type)
        {
            var members = new List<UserMember>();
            foreach (ISymbol member in type.GetMembers())
            {
                if (member.IsImplicitlyDeclared) continue;
                LocationInfo? location = LocationInfo.From(member.Locations.FirstOrDefault());
                if (member is IMethodSymbol { MethodKind: MethodKind.Constructor, IsStatic: false } constructor)
                {
                    bool parameterless = constructor.Parameters.Length == 0;
                    bool seeded = constructor.Parameters.Length == 1 && constructor.Parameters[0].Type.SpecialType == SpecialType.System_UInt64;
                    if (parameterless || seeded) members.Add(new UserMember(member.Name, location, parameterless ? "()" : "(ulong)"));
                    continue;
                }
                if (member is IMethodSymbol { MethodKind: MethodKind.Ordinary }) continue; // overloads of generated methods are allowed
                members.Add(new UserMember(member.Name, location, null));
            }
            return new EquatableArray<UserMember>(members);
        }

        /// <summary>
        /// The generated members must not collide with each other, with members the user declared, or
        /// with the class's own name; the generated constructors must not repeat the user's.
        /// </summary>
        private static void CheckNameConflicts(ModelSpec model, EquatableArray<UserMember> members, LocationInfo? classLocation,
            List<DiagnosticInfo> diagnostics)
        {
            string className = model.ClassName;
            var generated = new Dictionary<string, string?>(StringComparer.Ordinal);
            foreach (var (name, layer) in Emitting.GeneratedMembers.For(model))
            {
                if (generated.TryGetValue(name, out string? owner))
                {
                    diagnostics.Add(DiagnosticInfo.Create(Diagnostics.NameConflict, classLocation, className,
                        "the generated member '" + name + "' of " + Describe(layer) + " has the same name as the one of " + Describe(owner),
                        "rename a layer"));
                    return;
                }
                generated.Add(name, layer);
            }
            if (generated.TryGetValue(className, out string? clash))
            {
                diagnostics.Add(DiagnosticInfo.Create(Diagnostics.NameConflict, classLocation, className,
                    "the class has the name of the generated member '" + className + "' of " + Describe(clash),
                    "rename the class" + (clash is null ? "" : " or the layer")));
                return;
            }
            foreach (UserMember member in members)
            {
                if (member.Constructor is not null)
                {
                    diagnostics.Add(DiagnosticInfo.Create(Diagnostics.NameConflict, member.Location ?? classLocation, className,
                        "it declares the constructor " + className + member.Constructor + ", which the generator writes (it initialises the parameters from a seed)",
                        "remove it, or give your constructor other parameters and call this(seed) from it"));
                    continue;
                }
                if (generated.TryGetValue(member.Name, out string? layer))
                {
                    diagnostics.Add(DiagnosticInfo.Create(Diagnostics.NameConflict, member.Location ?? classLocation, className,
                        "its member '" + member.Name + "' has the name of a member generated for " + Describe(layer),
                        "rename the member" + (layer is null ? "" : " or the layer")));
                }
            }
        }

        private static string Describe(string? layer) => layer is null ? "the model" : "layer '" + layer + "'";

        private static LossKind ReadLoss(RawAttribute model, string className, List<DiagnosticInfo> diagnostics)
        {
            LocationInfo? location = model.Location;
            foreach (RawArgument argument in model.Arguments)
            {
                if (argument.Name != "Loss") continue;
                if (argument.Value.Kind != ArgumentKind.Int)
                {
                    diagnostics.Add(DiagnosticInfo.Create(Diagnostics.ArgumentNotConstant, location, "Model", className));
                    return LossKind.Auto;
                }
                int value = argument.Value.Int;
                if (!Enum.IsDefined(typeof(LossKind), value))
                {
                    diagnostics.Add(DiagnosticInfo.Create(Diagnostics.UndefinedEnumValue, location, "The loss", className, value, "Loss"));
                    return LossKind.Auto;
                }
                return (LossKind)value;
            }
            if (!model.Readable) diagnostics.Add(DiagnosticInfo.Create(Diagnostics.ArgumentNotConstant, location, "Model", className));
            return LossKind.Auto;
        }

        private static void CheckLoss(ref LossKind loss, LayerSpec output, string className, LocationInfo? location,
            List<DiagnosticInfo> diagnostics)
        {
            bool softmax = output.LayerActivation?.Kind == ActivationKind.Softmax;
            string outputKind = output.LayerActivation is { } activation ? activation.Kind.ToString() : output.Kind.DisplayName;
            if (loss == LossKind.Auto) loss = softmax ? LossKind.SparseCategoricalCrossEntropy : LossKind.MeanSquaredError;
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

        internal static string Keyword(TypeDeclarationSyntax declaration) => declaration switch
        {
            RecordDeclarationSyntax record => record.ClassOrStructKeyword.IsKind(SyntaxKind.StructKeyword) ? "record struct" : "record",
            StructDeclarationSyntax => "struct",
            InterfaceDeclarationSyntax => "interface",
            _ => "class",
        };
    }
}
