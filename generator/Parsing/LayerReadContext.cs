using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using ModelGen.Generator.Layers;
using ModelGen.Generator.Model;

namespace ModelGen.Generator.Parsing
{
    /// <summary>What a <see cref="LayerKind"/> needs to read one layer attribute: where it is, its input, and where diagnostics go.</summary>
    internal sealed class LayerReadContext
    {
        private static readonly string[] NoNames = { "" };

        private readonly List<DiagnosticInfo> _diagnostics;

        public LayerReadContext(string className, string name, Shape? input, bool isLast, LocationInfo? location, List<DiagnosticInfo> diagnostics)
            : this(className, name, new[] { input }, NoNames, isLast, location, diagnostics)
        {
        }

        public LayerReadContext(string className, string name, IReadOnlyList<Shape?> inputs, IReadOnlyList<string> inputNames, bool isLast,
            LocationInfo? location, List<DiagnosticInfo> diagnostics)
        {
            Inputs = inputs;
            InputNames = inputNames;
            Shape? input = inputs.Count > 0 ? inputs[0] : null;
            ClassName = className;
            Name = name;
            Input = input;
            IsLast = isLast;
            Location = location;
            _diagnostics = diagnostics;
        }

        public string ClassName { get; }

        /// <summary>The layer's name (declared or default).</summary>
        public string Name { get; }

        /// <summary>The layer's (first) input shape, or null when an earlier layer could not be resolved.</summary>
        public Shape? Input { get; }

        /// <summary>Every input's shape (null where unknown), for kinds with several inputs.</summary>
        public IReadOnlyList<Shape?> Inputs { get; }

        /// <summary>The names of what it reads, as the declaration (after its block) names them.</summary>
        public IReadOnlyList<string> InputNames { get; }

        /// <summary>The saved tensors' prefix of a layer inside a block ("Stage2Block1.Conv1"); null otherwise.</summary>
        public string? SavedName { get; set; }

        public bool IsLast { get; }

        /// <summary>
        /// When the input is flat because a Flatten flattened an image (with only element-wise layers
        /// since), that image's shape: a Dense layer here saves its weights in PyTorch's (c, h, w) order.
        /// </summary>
        public Shape? FlattenedImage { get; set; }

        public LocationInfo? Location { get; }

        public void Report(DiagnosticDescriptor descriptor, params object?[] arguments) =>
            _diagnostics.Add(DiagnosticInfo.Create(descriptor, Location, arguments));

        /// <summary>Reports MG0005 unless <paramref name="value"/> ≥ 1; "what" reads like "The filter count".</summary>
        public bool CheckPositive(string what, int value)
        {
            if (value >= 1) return true;
            Report(Diagnostics.SizeNotPositive, what + " of layer '" + Name + "'", ClassName, value);
            return false;
        }

        /// <summary>Reports MG0026 unless the stride is ≥ 1.</summary>
        public bool CheckStride(int stride)
        {
            if (stride >= 1) return true;
            Report(Diagnostics.StrideNotPositive, Name, ClassName, stride);
            return false;
        }

        /// <summary>Reports MG0017 for a LeakyReLU slope that is negative, NaN or infinite.</summary>
        public void CheckSlope(ActivationSpec activation)
        {
            if (activation.Kind == ActivationKind.LeakyReLU && !(activation.Slope >= 0f && !float.IsInfinity(activation.Slope)))
                Report(Diagnostics.InvalidSlope, Name, ClassName, Format.Float(activation.Slope));
        }

        /// <summary>Reports MG0020 unless the input is an image; true when it is (or unknown).</summary>
        public bool RequireImage(string kind)
        {
            if (Input is not { } input || input.IsImage) return true;
            Report(Diagnostics.NeedsImageInput, Name, kind, ClassName, input.ToString());
            return false;
        }
    }
}
