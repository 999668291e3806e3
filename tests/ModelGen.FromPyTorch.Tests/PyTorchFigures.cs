using System.Text.Json;

namespace ModelGen.FromPyTorch.Tests;

/// <summary>
/// What the training scripts recorded from PyTorch: models/digits.json (train_digits.py) and models/resnet.json
/// (train_resnet.py), copied beside the tests. <see cref="Predicted"/> holds PyTorch's classes for the first 100 test
/// images (digits.json) or for all 10,000 (resnet.json, a string of digits).
/// </summary>
internal sealed record PyTorchFigures(int Parameters, int Correct, int Total, double TestLoss, int[] First100Labels, int[] Predicted,
    float[][] First10Probabilities)
{
    private static readonly Lazy<PyTorchFigures> s_digits = new(() => Load("digits.json"));

    private static readonly Lazy<PyTorchFigures> s_resNet = new(() => Load("resnet.json"));

    public static PyTorchFigures Digits => s_digits.Value;

    public static PyTorchFigures ResNet => s_resNet.Value;

    private static PyTorchFigures Load(string file)
    {
        using JsonDocument document = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, file)));
        JsonElement root = document.RootElement;
        static int[] Ints(JsonElement array) => array.EnumerateArray().Select(e => e.GetInt32()).ToArray();
        int[] predicted = root.TryGetProperty("test_predicted", out JsonElement all)
            ? all.GetString()!.Select(c => c is >= '0' and <= '9' ? c - '0' : throw new InvalidDataException($"{file}: test_predicted holds '{c}'")).ToArray()
            : Ints(root.GetProperty("first100_predicted"));
        return new PyTorchFigures(
            root.GetProperty("parameters").GetInt32(),
            root.GetProperty("test_correct").GetInt32(),
            root.GetProperty("test_total").GetInt32(),
            root.TryGetProperty("test_loss", out JsonElement loss) ? loss.GetDouble() : double.NaN,
            Ints(root.GetProperty("first100_labels")),
            predicted,
            // Python wrote each float32 as the double it equals; the nearest float is that float32 again.
            root.GetProperty("first10_probabilities").EnumerateArray().Select(row => row.EnumerateArray().Select(e => e.GetSingle()).ToArray()).ToArray());
    }
}
