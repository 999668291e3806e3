using System.Globalization;

namespace ModelGen.Samples.Mnist.Cli;

/// <summary>Formats fractions as percentages the same way everywhere: "97.91%".</summary>
public static class Percent
{
    /// <summary><paramref name="fraction"/> × 100 with <paramref name="decimals"/> decimals and a % sign; "-" for NaN.</summary>
    public static string Format(double fraction, int decimals = 2) => double.IsNaN(fraction)
        ? "-"
        : (100 * fraction).ToString("F" + decimals.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture) + "%";
}
