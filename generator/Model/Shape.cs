namespace ModelGen.Generator.Model
{
    /// <summary>
    /// One sample's tensor between layers (mirrors ModelGen.TensorShape): an image [Height, Width, Channels],
    /// channels-last, or a flat vector of Channels values (Height = Width = 1).
    /// </summary>
    internal readonly record struct Shape(int Height, int Width, int Channels, bool IsImage)
    {
        public static Shape Flat(int size) => new Shape(1, 1, size, false);

        public static Shape Image(int height, int width, int channels) => new Shape(height, width, channels, true);

        /// <summary>Values per sample, as a long: a declaration may ask for more than an int holds.</summary>
        public long Size => (long)Height * Width * Channels;

        /// <summary>"[28, 28, 1]" or "[784]", as comments and diagnostics show it.</summary>
        public override string ToString() => IsImage
            ? "[" + Format.Int(Height) + ", " + Format.Int(Width) + ", " + Format.Int(Channels) + "]"
            : "[" + Format.Long(Size) + "]";

        /// <summary>"28, 28, 1" (an image's dimensions without brackets) for shape comments.</summary>
        public string Dimensions => Format.Int(Height) + ", " + Format.Int(Width) + ", " + Format.Int(Channels);

        /// <summary>"28x28x1" or "784", as the spec string shows it.</summary>
        public string SpecToken => IsImage
            ? Format.Int(Height) + "x" + Format.Int(Width) + "x" + Format.Int(Channels)
            : Format.Long(Size);

        /// <summary>The C# expression of the runtime's TensorShape.</summary>
        public string RuntimeExpression => IsImage
            ? "global::ModelGen.TensorShape.Image(" + Format.Int(Height) + ", " + Format.Int(Width) + ", " + Format.Int(Channels) + ")"
            : "global::ModelGen.TensorShape.Flat(" + Format.Long(Size) + ")";
    }
}
