using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;

namespace ModelGen.Samples.Mnist.Cli;

/// <summary>
/// Parsers for the options' values that never throw: a value that does not parse, or is out of range,
/// becomes one parse error naming the option as typed, the value and what is accepted. Numbers are read
/// with the invariant culture and without group separators, so "1,5" is an error rather than 15.
/// </summary>
public static class OptionValues
{
    /// <summary>The largest --epochs.</summary>
    public const int MaxEpochs = 100_000;

    /// <summary>A whole number from <paramref name="min"/> to <paramref name="max"/>, or null (with an error).</summary>
    public static Func<ArgumentResult, int?> WholeNumber(int min, int max) => result =>
    {
        if (Single(result) is not { } token) return null;
        if (ParseInt(token, min, max) is { } value) return value;
        result.AddError($"{Name(result)}: '{token}' is not a whole number from {Format(min)} to {Format(max)}.");
        return null;
    };

    /// <summary>Every value a whole number of at least <paramref name="min"/>, for repeatable options.</summary>
    public static Func<ArgumentResult, int[]> WholeNumbers(int min) => result =>
    {
        var values = new List<int>();
        foreach (Token token in result.Tokens)
        {
            if (ParseInt(token.Value, min, int.MaxValue) is { } value)
            {
                values.Add(value);
                continue;
            }
            result.AddError($"{Name(result)}: '{token.Value}' is not a whole number from {Format(min)} to {Format(int.MaxValue)}.");
            return [];
        }
        return values.ToArray();
    };

    /// <summary>A whole number from 0 to <see cref="ulong.MaxValue"/>.</summary>
    public static Func<ArgumentResult, ulong> Seed() => result =>
    {
        if (Single(result) is not { } token) return 0;
        if (IsPlainInteger(token) && ulong.TryParse(token, NumberStyles.None, CultureInfo.InvariantCulture, out ulong value)) return value;
        result.AddError($"{Name(result)}: '{token}' is not a whole number from 0 to {ulong.MaxValue.ToString(CultureInfo.InvariantCulture)}.");
        return 0;
    };

    /// <summary>A finite number greater than 0 (and a float, at most about 3.4e38), or null (with an error).</summary>
    public static Func<ArgumentResult, double?> PositiveNumber() => result =>
    {
        if (Single(result) is not { } token) return null;
        if (token.Length > 0 && !char.IsWhiteSpace(token[0]) && !char.IsWhiteSpace(token[^1])
            && double.TryParse(token, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent, CultureInfo.InvariantCulture, out double value)
            && value > 0 && value <= float.MaxValue)
        {
            return value;
        }
        result.AddError($"{Name(result)}: '{token}' is not a positive number (write it like 0.001 or 1e-3, with a point for decimals and no thousands separator).");
        return null;
    };

    /// <summary>
    /// A finite number that <paramref name="isAccepted"/> takes, or null (with an error saying it is not
    /// <paramref name="accepted"/>, as "a number of 0 or more").
    /// </summary>
    public static Func<ArgumentResult, double?> Number(Func<double, bool> isAccepted, string accepted) => result =>
    {
        if (Single(result) is not { } token) return null;
        if (token.Length > 0 && !char.IsWhiteSpace(token[0]) && !char.IsWhiteSpace(token[^1])
            && double.TryParse(token, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent, CultureInfo.InvariantCulture, out double value)
            && double.IsFinite(value) && isAccepted(value))
        {
            return value;
        }
        result.AddError($"{Name(result)}: '{token}' is not {accepted} (write it like 0.001 or 1e-3, with a point for decimals and no thousands separator).");
        return null;
    };

    /// <summary>One of <paramref name="accepted"/> (ignoring case), as given; null with an error otherwise.</summary>
    public static Func<ArgumentResult, string?> OneOf(Func<string, bool> isAccepted, string accepted) => result =>
    {
        if (Single(result) is not { } token) return null;
        if (isAccepted(token)) return token;
        result.AddError($"{Name(result)}: '{token}' is not accepted; give {accepted}.");
        return null;
    };

    /// <summary>A non-empty text, such as a path.</summary>
    public static Func<ArgumentResult, string?> NonEmpty(string what) => result =>
    {
        if (Single(result) is not { } token) return null;
        if (token.Length > 0) return token;
        result.AddError($"{Name(result)}: the value is empty; give {what}.");
        return null;
    };

    /// <summary>The option as the user typed it (--epochs or -e), or the argument's name.</summary>
    public static string Name(SymbolResult result) => result switch
    {
        OptionResult option => option.IdentifierToken?.Value ?? option.Option.Name,
        ArgumentResult { Parent: OptionResult option } => option.IdentifierToken?.Value ?? option.Option.Name,
        ArgumentResult argument => argument.Argument.Name,
        _ => "the command line",
    };

    private static string? Single(ArgumentResult result)
    {
        if (result.Tokens.Count == 1) return result.Tokens[0].Value;
        // System.CommandLine reports a missing value itself; this keeps the parser from failing on it.
        if (result.Tokens.Count == 0) result.AddError($"{Name(result)} needs a value.");
        else result.AddError($"{Name(result)} takes one value, not {result.Tokens.Count}.");
        return null;
    }

    // Digits only, with an optional leading minus for ranges that allow it: no spaces, signs, separators or decimals.
    private static int? ParseInt(string token, int min, int max)
    {
        string digits = token.StartsWith('-') && min < 0 ? token[1..] : token;
        if (!IsPlainInteger(digits)) return null;
        return long.TryParse(token, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long value) && value >= min && value <= max
            ? (int)value
            : null;
    }

    private static bool IsPlainInteger(string token) => token.Length is > 0 and <= 20 && token.All(char.IsAsciiDigit);

    private static string Format(int value) => value.ToString(CultureInfo.InvariantCulture);
}
