using System.Collections.Generic;
using ModelGen.Generator.Model;

namespace ModelGen.Generator.Parsing
{
    /// <summary>Reads [Input(size)] or [Input(height, width, channels)] into the shape of one sample.</summary>
    internal static class InputReader
    {
        public static Shape? Read(RawAttribute data, LocationInfo? location, string className, List<DiagnosticInfo> diagnostics)
        {
            var arguments = new AttributeArguments(data);
            bool flat = arguments.Has("size");
            int size = arguments.Int("size", 0);
            int height = arguments.Int("height", 0), width = arguments.Int("width", 0), channels = arguments.Int("channels", 0);
            if (arguments.Unreadable || (!flat && !arguments.Has("height")))
            {
                diagnostics.Add(DiagnosticInfo.Create(Diagnostics.ArgumentNotConstant, location, "Input", className));
                return null;
            }

            bool valid = true;
            void Check(string what, int value)
            {
                if (value >= 1) return;
                diagnostics.Add(DiagnosticInfo.Create(Diagnostics.SizeNotPositive, location, what, className, value));
                valid = false;
            }
            if (flat)
            {
                Check("The input size", size);
            }
            else
            {
                Check("The input height", height);
                Check("The input width", width);
                Check("The input channel count", channels);
            }
            if (!valid) return null;

            Shape shape = flat ? Shape.Flat(size) : Shape.Image(height, width, channels);
            if (shape.Size > Emitting.ModelEmitter.MaxArrayLength)
            {
                diagnostics.Add(DiagnosticInfo.Create(Diagnostics.TensorTooLarge, location, "input", className,
                    Format.Count(shape.Size), "its values", Format.Count(Emitting.ModelEmitter.MaxArrayLength)));
                return null;
            }
            return shape;
        }

        /// <summary>The input's Name ("input" by default), which layers give as their Input to read it.</summary>
        public static string Name(RawAttribute data, LocationInfo? location, string className, List<DiagnosticInfo> diagnostics)
        {
            var arguments = new AttributeArguments(data);
            string? name = arguments.String("Name");
            if (name is null) return "input";
            if (!Microsoft.CodeAnalysis.CSharp.SyntaxFacts.IsValidIdentifier(name))
            {
                diagnostics.Add(DiagnosticInfo.Create(Diagnostics.InvalidLayerName, location, name, className));
                return "input";
            }
            return name;
        }
    }
}
