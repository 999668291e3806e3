using System.Collections.Generic;
using System.Linq;

namespace ModelGen.Generator.Layers
{
    /// <summary>Every layer kind the generator knows: the one list to extend with a new kind.</summary>
    internal static class LayerKinds
    {
        public static readonly IReadOnlyList<LayerKind> All = new LayerKind[]
        {
            DenseLayer.Instance,
            Conv2DLayer.Instance,
            MaxPool2DLayer.Instance,
            FlattenLayer.Instance,
            DropoutLayer.Instance,
            BatchNormalizationLayer.Instance,
            ActivationLayer.Instance,
            AddLayer.Instance,
            ConcatenateLayer.Instance,
            GlobalAveragePooling2DLayer.Instance,
            AveragePooling2DLayer.Instance,
            DepthwiseConv2DLayer.Instance,
        };

        private static readonly Dictionary<string, LayerKind> s_byAttribute = All.ToDictionary(k => k.AttributeName);

        /// <summary>The kind declared by an attribute class's metadata name, or null for other attributes.</summary>
        public static LayerKind? ByAttributeName(string? name) =>
            name is not null && s_byAttribute.TryGetValue(name, out LayerKind? kind) ? kind : null;
    }
}
