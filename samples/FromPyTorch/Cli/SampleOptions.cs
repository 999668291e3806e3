using System.Globalization;

namespace ModelGen.Samples.FromPyTorch.Cli;

/// <summary>
/// The command line, parsed by hand: seven options, each with one value, so a mistake gets one line that
/// names the option, the value and what is accepted. Numbers are read in the invariant culture without
/// thousands separators ("1,5" is an error, never 15).
/// </summary>
internal sealed record SampleOptions
{
    /// <summary>Where the fine-tuned parameters go unless --out says otherwise: under the current folder.</summary>
    public const string DefaultOutputFolder = "from-pytorch-output";

    public const string Usage = """
        usage: from-pytorch [options]
          Evaluates Digits (models/digits.onnx) and DigitsResNet (models/resnet.onnx), both compiled into C#,
          on the MNIST test set, compares them with PyTorch's figures, fine-tunes them and saves the
          fine-tuned parameters.
          --model NAME          digits, resnet or all (default: all)
          --data DIR            a folder with the four MNIST IDX files (default: the cache folder, fetched into if missing)
          --out DIR             where digits-finetuned.safetensors and resnet-finetuned.safetensors go
                                (default: ./from-pytorch-output)
          --epochs N            fine-tuning epochs, 0 to 100; 0 evaluates only and writes nothing (default: 1)
          --learning-rate X     Adam's learning rate (default: 0.0001)
          --seed N              seeds the shuffle of the training set (default: 1)
          --train-images N      fine-tune on the first N training images only (default: all 60,000)
          -h, --help            this text
        """;

    public SampleModels Models { get; init; } = SampleModels.All;

    public string? DataFolder { get; init; }

    public string OutputFolder { get; init; } = DefaultOutputFolder;

    public int Epochs { get; init; } = FineTuning.DefaultEpochs;

    public float LearningRate { get; init; } = FineTuning.DefaultLearningRate;

    public ulong Seed { get; init; } = FineTuning.DefaultSeed;

    public int? TrainImages { get; init; }

    public bool Help { get; init; }

    /// <summary>The options, or an error message (one line) in <paramref name="error"/>.</summary>
    public static SampleOptions? Parse(IReadOnlyList<string> args, out string? error)
    {
        var options = new SampleOptions();
        error = null;
        for (int i = 0; i < args.Count; i++)
        {
            string name = args[i];
            if (name is "-h" or "--help") return options with { Help = true };
            if (!name.StartsWith('-'))
            {
                error = $"unexpected argument '{name}'; this program takes options only (from-pytorch --help lists them).";
                return null;
            }
            if (i + 1 >= args.Count)
            {
                error = Known(name) ? $"{name}: a value is missing." : UnknownOption(name);
                return null;
            }
            string value = args[++i];
            options = name switch
            {
                "--model" => ParseModels(name, value, ref error) is { } models ? options with { Models = models } : options,
                "--data" => NonEmpty(name, value, "a folder", ref error) is { } data ? options with { DataFolder = data } : options,
                "--out" => NonEmpty(name, value, "a folder", ref error) is { } output ? options with { OutputFolder = output } : options,
                "--epochs" => WholeNumber(name, value, 0, FineTuning.MaxEpochs, ref error) is { } epochs ? options with { Epochs = epochs } : options,
                "--learning-rate" => PositiveNumber(name, value, ref error) is { } rate ? options with { LearningRate = rate } : options,
                "--seed" => ParseSeed(name, value, ref error) is { } seed ? options with { Seed = seed } : options,
                "--train-images" => WholeNumber(name, value, 1, int.MaxValue, ref error) is { } count ? options with { TrainImages = count } : options,
                _ => Unknown(name, ref error, options),
            };
            if (error is not null) return null;
        }
        return options;
    }

    private static bool Known(string name) =>
        name is "--model" or "--data" or "--out" or "--epochs" or "--learning-rate" or "--seed" or "--train-images";

    private static string UnknownOption(string name) => $"unknown option '{name}' (from-pytorch --help lists the options).";

    private static SampleOptions Unknown(string name, ref string? error, SampleOptions options)
    {
        error = UnknownOption(name);
        return options;
    }

    private static string? NonEmpty(string name, string value, string what, ref string? error)
    {
        if (value.Length > 0) return value;
        error = $"{name}: the value is empty; give {what}.";
        return null;
    }

    private static int? WholeNumber(string name, string value, int min, int max, ref string? error)
    {
        if (IsDigits(value) && int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out int number) && number >= min && number <= max)
            return number;
        error = $"{name}: '{value}' is not a whole number from {min.ToString(CultureInfo.InvariantCulture)} to {max.ToString(CultureInfo.InvariantCulture)}.";
        return null;
    }

    private static SampleModels? ParseModels(string name, string value, ref string? error)
    {
        switch (value)
        {
            case "digits": return SampleModels.Digits;
            case "resnet": return SampleModels.ResNet;
            case "all": return SampleModels.All;
            default:
                error = $"{name}: '{value}' is not a model of this sample; write digits, resnet or all.";
                return null;
        }
    }

    private static ulong? ParseSeed(string name, string value, ref string? error)
    {
        if (IsDigits(value) && ulong.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out ulong seed)) return seed;
        error = $"{name}: '{value}' is not a whole number from 0 to {ulong.MaxValue.ToString(CultureInfo.InvariantCulture)}.";
        return null;
    }

    private static float? PositiveNumber(string name, string value, ref string? error)
    {
        if (value.Length > 0 && !char.IsWhiteSpace(value[0]) && !char.IsWhiteSpace(value[^1])
            && double.TryParse(value, NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent, CultureInfo.InvariantCulture, out double number)
            && number <= 1 && (float)number > 0)
        {
            // (float)number > 0: a value so small that it rounds to a float 0 would not train.
            return (float)number;
        }
        error = $"{name}: '{value}' is not a number above 0 and at most 1 (write it like 0.0001 or 1e-4, with a point for decimals).";
        return null;
    }

    private static bool IsDigits(string value) => value.Length > 0 && value.All(char.IsAsciiDigit);
}

/// <summary>The models a run evaluates and fine-tunes (--model).</summary>
[Flags]
internal enum SampleModels
{
    /// <summary>Digits, from models/digits.onnx.</summary>
    Digits = 1,

    /// <summary>DigitsResNet, from models/resnet.onnx.</summary>
    ResNet = 2,

    All = Digits | ResNet,
}
