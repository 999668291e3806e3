using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;

namespace ModelGen.Generator
{
    /// <summary>Every diagnostic the generator reports. IDs are stable: never renumber, only add.</summary>
    internal static class Diagnostics
    {
        private const string Category = "ModelGen";

        private static DiagnosticDescriptor Error(string id, string title, string message) =>
            new DiagnosticDescriptor(id, title, message, Category, DiagnosticSeverity.Error, isEnabledByDefault: true);

        public static readonly DiagnosticDescriptor NotPartial = Error("MG0001",
            "Model class must be partial",
            "The type '{0}' must be declared partial because {1}; add the 'partial' modifier");

        public static readonly DiagnosticDescriptor MissingInput = Error("MG0002",
            "Model has no input",
            "The model '{0}' has no [Input] attribute; add one, e.g. [Input(784)], before its [Dense] layers");

        public static readonly DiagnosticDescriptor DuplicateInput = Error("MG0003",
            "Model has more than one input",
            "The model '{0}' has more than one [Input] attribute; keep exactly one");

        public static readonly DiagnosticDescriptor MissingDense = Error("MG0004",
            "Model has no layers",
            "The model '{0}' has no [Dense] layer; add at least one, e.g. [Dense(10, Activation.Softmax)]");

        public static readonly DiagnosticDescriptor SizeNotPositive = Error("MG0005",
            "Size must be positive",
            "{0} of model '{1}' is {2}; sizes must be at least 1");

        public static readonly DiagnosticDescriptor ParameterCountOverflow = Error("MG0006",
            "Model is too large",
            "The model '{0}' needs {1} parameters up to layer '{2}', more than a float array can hold ({3}); make the layers smaller");

        public static readonly DiagnosticDescriptor SoftmaxNotLast = Error("MG0007",
            "Softmax must be the last layer",
            "Layer '{0}' of model '{1}' uses Softmax, which is only supported on the last layer; use another activation here");

        public static readonly DiagnosticDescriptor LossDoesNotFit = Error("MG0008",
            "Loss does not fit the output activation",
            "The model '{0}' uses {1} with a {2} output layer; {3}");

        public static readonly DiagnosticDescriptor DuplicateLayerName = Error("MG0009",
            "Duplicate layer name",
            "The model '{0}' has more than one layer named '{1}'; give each layer a distinct Name (a layer without one is named Dense1, Dense2, … by its position)");

        public static readonly DiagnosticDescriptor ArgumentNotConstant = Error("MG0010",
            "Attribute argument is not a constant",
            "[{0}] on model '{1}' has an argument that is missing, extra, of the wrong type or not a compile-time constant; pass constants (literals or consts) that match the attribute's parameters");

        public static readonly DiagnosticDescriptor InvalidLayerName = Error("MG0011",
            "Layer name is not an identifier",
            "The layer name \"{0}\" in model '{1}' is not a valid C# identifier; it names generated members, so use letters, digits and '_' and do not start with a digit");

        public static readonly DiagnosticDescriptor GenericModel = Error("MG0012",
            "Generic models are not supported",
            "The model class '{0}' {1}; declare the model in a non-generic class that is not nested in a generic type");

        public static readonly DiagnosticDescriptor NotAClass = Error("MG0013",
            "Model must be a class",
            "'{0}' is {1}; [Model] needs a plain 'partial class'");

        public static readonly DiagnosticDescriptor StaticModel = Error("MG0014",
            "Model class must not be static",
            "The model class '{0}' is static; models are instances that own their parameters, so remove 'static'");

        public static readonly DiagnosticDescriptor LayersOnOtherDeclaration = Error("MG0015",
            "Layers must be declared with the model",
            "The [{0}] attribute of model '{1}' is on another partial declaration than [Model]; put the [Input] and [Dense] attributes on the declaration that has [Model] so their order is defined");

        public static readonly DiagnosticDescriptor UndefinedEnumValue = Error("MG0016",
            "Unknown enum value",
            "{0} of model '{1}' is {2}, which is not a defined {3} value");

        public static readonly DiagnosticDescriptor InvalidSlope = Error("MG0017",
            "Invalid LeakyReLU slope",
            "The LeakyReLU slope of layer '{0}' in model '{1}' is {2}; it must be a finite number ≥ 0");

        public static readonly DiagnosticDescriptor NameConflict = Error("MG0018",
            "Name conflicts with generated code",
            "The model '{0}' cannot be generated: {1}; {2}");

        public static readonly DiagnosticDescriptor InternalError = Error("MG9999",
            "ModelGen generator error",
            "ModelGen could not process '{0}': {1}; please report this with the declaration");

        public static readonly IReadOnlyDictionary<string, DiagnosticDescriptor> ById = new[]
        {
            NotPartial, MissingInput, DuplicateInput, MissingDense, SizeNotPositive, ParameterCountOverflow,
            SoftmaxNotLast, LossDoesNotFit, DuplicateLayerName, ArgumentNotConstant, InvalidLayerName,
            GenericModel, NotAClass, StaticModel, LayersOnOtherDeclaration, UndefinedEnumValue, InvalidSlope, NameConflict,
            InternalError,
        }.ToDictionary(d => d.Id);
    }
}
