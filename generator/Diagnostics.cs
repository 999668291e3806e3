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
            "The model '{0}' has no [Input] attribute; add one, e.g. [Input(784)] or [Input(28, 28, 1)], before its layers");

        public static readonly DiagnosticDescriptor DuplicateInput = Error("MG0003",
            "Model has more than one input",
            "The model '{0}' has more than one [Input] attribute; keep exactly one");

        public static readonly DiagnosticDescriptor MissingLayers = Error("MG0004",
            "Model has no layers",
            "The model '{0}' has no layers; add at least one, e.g. [Dense(10, Activation.Softmax)]");

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
            "The [{0}] attribute of model '{1}' is on another partial declaration than [Model]; put the [Input] and layer attributes on the declaration that has [Model] so their order is defined");

        public static readonly DiagnosticDescriptor UndefinedEnumValue = Error("MG0016",
            "Unknown enum value",
            "{0} of model '{1}' is {2}, which is not a defined {3} value");

        public static readonly DiagnosticDescriptor InvalidSlope = Error("MG0017",
            "Invalid LeakyReLU slope",
            "The LeakyReLU slope of layer '{0}' in model '{1}' is {2}; it must be a finite number ≥ 0");

        public static readonly DiagnosticDescriptor NameConflict = Error("MG0018",
            "Name conflicts with generated code",
            "The model '{0}' cannot be generated: {1}; {2}");

        public static readonly DiagnosticDescriptor MissingModelAttribute = Error("MG0019",
            "Layers without [Model]",
            "The class '{0}' has the ModelGen attribute [{1}] but no [Model], so nothing is generated for it; add [Model] to the class");

        public static readonly DiagnosticDescriptor NeedsImageInput = Error("MG0020",
            "Layer needs an image input",
            "Layer '{0}' ({1}) of model '{2}' needs an image input [height, width, channels] but gets the flat {3}; declare [Input(height, width, channels)], or move the layer before [Flatten]");

        public static readonly DiagnosticDescriptor DenseNeedsFlatInput = Error("MG0021",
            "Dense layer needs a flat input",
            "Layer '{0}' (Dense) of model '{1}' gets the image {2}; add [Flatten] before it");

        public static readonly DiagnosticDescriptor FlattenOfFlat = Error("MG0022",
            "Flatten of a flat input",
            "Layer '{0}' (Flatten) of model '{1}' gets {2}, which is already flat; remove it");

        public static readonly DiagnosticDescriptor WindowTooLarge = Error("MG0023",
            "Window larger than its input",
            "The {0} {1} of layer '{2}' in model '{3}' is larger than its {4} input, so with Padding.Valid the output would be empty; use a smaller window, Padding.Same, or a larger input");

        public static readonly DiagnosticDescriptor DropoutRateOutOfRange = Error("MG0024",
            "Dropout rate out of range",
            "The dropout rate of layer '{0}' in model '{1}' is {2}; it must be at least 0 and less than 1");

        public static readonly DiagnosticDescriptor DropoutLast = Error("MG0025",
            "Dropout cannot be the last layer",
            "Layer '{0}' of model '{1}' is a Dropout, which cannot be the last layer: the loss must see the network's real outputs; put it before a Dense or Conv2D layer");

        public static readonly DiagnosticDescriptor StrideNotPositive = Error("MG0026",
            "Stride must be positive",
            "The stride of layer '{0}' in model '{1}' is {2}; it must be at least 1");

        public static readonly DiagnosticDescriptor SoftmaxNotDense = Error("MG0027",
            "Softmax only on a Dense layer",
            "Layer '{0}' of model '{1}' is a Conv2D with Softmax, which is only supported on a Dense output layer; add [Flatten] and [Dense(classes, Activation.Softmax)] after it");

        public static readonly DiagnosticDescriptor NoTrainableLayer = Error("MG0028",
            "Model has nothing to train",
            "The model '{0}' has no Dense or Conv2D layer, so it has no parameters to train; add one");

        public static readonly DiagnosticDescriptor TensorTooLarge = Error("MG0029",
            "Tensor too large",
            "The {0} of model '{1}' needs {2} values per sample for {3}, more than an array can hold ({4}); make it smaller");

        // ------------------------------------------------------------ graphs and blocks

        public static readonly DiagnosticDescriptor UnknownInput = Error("MG0039",
            "Layer reads something that is not before it",
            "Layer '{0}' of model '{1}' reads '{2}', {3}");

        public static readonly DiagnosticDescriptor UnusedOutput = Error("MG0040",
            "Layer output is not used",
            "The output of layer '{0}' of model '{1}' is not read by any later layer; the network's output is its last layer ('{2}'), so read '{0}' in a later layer (its Input, or an [Add] or [Concatenate] input) or remove it");

        public static readonly DiagnosticDescriptor InputShapesDiffer = Error("MG0041",
            "Inputs do not fit together",
            "Layer '{0}' of model '{1}' {2}; {3}");

        public static readonly DiagnosticDescriptor TooFewInputs = Error("MG0042",
            "Layer needs more inputs",
            "Layer '{0}' of model '{1}' is an [{2}] of {3}; it needs at least two distinct inputs, named by layer: [{2}(\"Conv2\", \"Shortcut\")]");

        public static readonly DiagnosticDescriptor BatchNormalizationSetting = Error("MG0043",
            "BatchNormalization setting out of range",
            "The {0} of layer '{1}' of model '{2}' is {3}; {4}");

        public static readonly DiagnosticDescriptor PlaceholderOutsideBlock = Error("MG0044",
            "Block placeholder outside a block",
            "Layer '{0}' of model '{1}' uses {2} outside a [Block]; it stands for what a [Use] of a block sets, so give a number here");

        public static readonly DiagnosticDescriptor NotABlock = Error("MG0045",
            "Used class is not a block",
            "[Use(typeof({0}))] in model '{1}': '{0}' has no [Block] attribute; declare the block's layers on a class marked [Block]");

        public static readonly DiagnosticDescriptor BlockUsesItself = Error("MG0046",
            "Block uses itself",
            "The block '{0}' used in model '{1}' uses itself ({2}); a block may use other blocks, but not itself");

        public static readonly DiagnosticDescriptor LayerNamedLikeInput = Error("MG0047",
            "Layer has the input's name",
            "Layer '{0}' of model '{1}' has the input's name; layers read the input by that name, so rename the layer (or the input, with [Input(…, Name = \"…\")])");

        public static readonly DiagnosticDescriptor SoftmaxOnlyOnDense = Error("MG0048",
            "Softmax only on the last Dense layer",
            "Layer '{0}' of model '{1}' is an [{2}] with Softmax, which is only supported on the last [Dense] layer (it is fused with the loss); give that layer Activation.Softmax instead");

        // ------------------------------------------------------------ [OnnxModel]: importing an ONNX file

        public static readonly DiagnosticDescriptor OnnxFileNotFound = Error("MG0030",
            "ONNX file is not an additional file",
            "The model '{0}' imports '{1}', which is not among the project's AdditionalFiles; add <AdditionalFiles Include=\"{1}\" /> to the project file (the path is relative to the project, or ends one)");

        public static readonly DiagnosticDescriptor OnnxFileNotEncoded = Error("MG0031",
            "ONNX file was not encoded for the generator",
            "The model '{0}' imports '{1}', an additional file that ModelGen's build step did not encode: the compiler hands generators text, and a binary file does not survive that; build with the ModelGen package (it imports build/ModelGen.targets), or import ModelGen.targets in a project that references the generator directly");

        public static readonly DiagnosticDescriptor OnnxFileInvalid = Error("MG0032",
            "Not a valid ONNX file",
            "'{0}' is not a valid ONNX file: {1}");

        public static readonly DiagnosticDescriptor OnnxOperatorUnsupported = Error("MG0033",
            "ONNX operator not supported",
            "'{0}': node {1} is a {2}, which ModelGen does not import; it imports Gemm, MatMul followed by Add, Conv (group 1 or depthwise), MaxPool, AveragePool, GlobalAveragePool, ReduceMean over height and width, BatchNormalization, Add of two tensors, Concat along channels, Relu, LeakyRelu, Sigmoid, Tanh, Clip(0, 6) as ReLU6, Softmax, Flatten, Reshape to [N, -1], Pad before an AveragePool or Conv, Dropout, Identity, Transpose between NCHW and NHWC, and the Shape, Gather, Unsqueeze, Squeeze, Concat, Cast, Slice, Reshape, Transpose, ConstantOfShape and Constant nodes that compute a reshape's shape or a Pad's pads");

        public static readonly DiagnosticDescriptor OnnxNodeUnsupported = Error("MG0034",
            "ONNX node not supported",
            "'{0}': node {1} {2}; {3}");

        public static readonly DiagnosticDescriptor OnnxTensorInvalid = Error("MG0035",
            "ONNX tensor not usable",
            "'{0}': node {1} {2}; {3}");

        public static readonly DiagnosticDescriptor OnnxGraphUnsupported = Error("MG0036",
            "ONNX graph not supported",
            "'{0}' {1}; {2}");

        public static readonly DiagnosticDescriptor OnnxModelWithLayers = Error("MG0037",
            "Imported model also declares layers",
            "The model '{0}' imports an ONNX file and also has [{1}]; an imported model takes its input and layers from the file, so remove [{1}]");

        public static readonly DiagnosticDescriptor OnnxFileAmbiguous = Error("MG0038",
            "ONNX path matches several files",
            "The model '{0}' imports '{1}', which matches several additional files ({2}); give more of the path");

        public static readonly DiagnosticDescriptor InternalError = Error("MG9999",
            "ModelGen generator error",
            "ModelGen could not process '{0}': {1}; please report this with the declaration");

        public static readonly IReadOnlyDictionary<string, DiagnosticDescriptor> ById = new[]
        {
            NotPartial, MissingInput, DuplicateInput, MissingLayers, SizeNotPositive, ParameterCountOverflow,
            SoftmaxNotLast, LossDoesNotFit, DuplicateLayerName, ArgumentNotConstant, InvalidLayerName,
            GenericModel, NotAClass, StaticModel, LayersOnOtherDeclaration, UndefinedEnumValue, InvalidSlope, NameConflict,
            MissingModelAttribute, NeedsImageInput, DenseNeedsFlatInput, FlattenOfFlat, WindowTooLarge, DropoutRateOutOfRange,
            DropoutLast, StrideNotPositive, SoftmaxNotDense, NoTrainableLayer, TensorTooLarge,
            UnknownInput, UnusedOutput, InputShapesDiffer, TooFewInputs, BatchNormalizationSetting, PlaceholderOutsideBlock,
            NotABlock, BlockUsesItself, LayerNamedLikeInput, SoftmaxOnlyOnDense,
            OnnxFileNotFound, OnnxFileNotEncoded, OnnxFileInvalid, OnnxOperatorUnsupported, OnnxNodeUnsupported, OnnxTensorInvalid,
            OnnxGraphUnsupported, OnnxModelWithLayers, OnnxFileAmbiguous,
            InternalError,
        }.ToDictionary(d => d.Id);
    }
}
