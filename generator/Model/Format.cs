using System.Globalization;

namespace ModelGen.Generator.Model
{
    /// <summary>Numbers as generated code, comments and diagnostics show them: invariant culture, always.</summary>
    internal static class Format
    {
        public static string Int(int value) => value.ToString(CultureInfo.InvariantCulture);

        public static string Long(long value) => value.ToString(CultureInfo.InvariantCulture);

        /// <summary>With thousands separators, e.g. "101,770".</summary>
        public static string Count(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

        /// <summary>The shortest text that reads back as the same float, e.g. "0.01".</summary>
        public static string Float(float value) => value.ToString("R", CultureInfo.InvariantCulture);

        /// <summary>A float literal, e.g. "0.01f".</summary>
        public static string FloatLiteral(float value) => Float(value) + "f";

        /// <summary>Any diagnostic argument: numbers in the invariant culture (no Unicode minus, no local separators).</summary>
        public static string Argument(object? value) => value switch
        {
            null => "",
            System.IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
            _ => value.ToString() ?? "",
        };
    }
}
