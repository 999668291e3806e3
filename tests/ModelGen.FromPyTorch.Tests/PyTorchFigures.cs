using System.Text.Json;

namespace ModelGen.FromPyTorch.Tests;

/// <summary>What train_digits.py recorded from PyTorch in models/digits.json (copied beside the tests).</summary>
internal sealed record PyTorchFigures(int Correct, int Total, int[] First100Labels, int[] First100Predicted, float[][] First10Probabilities)
{
    private static readonly Lazy<PyTorchFigures> s_figures = new(Load);

    public static PyTorchFigures Digits => s_figures.Value;

    private static PyTorchFigures Load()
    {
        using JsonDocument document = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "digits.json")));
        JsonElement root = document.RootElement;
        static int[] Ints(JsonElement array) => array.EnumerateArray().Select(e => e.GetInt32()).ToArray();
        return new PyTorchFigures(
            root.GetProperty("test_correct").GetInt32(),
            root.GetProperty("test_total").GetInt32(),
            Ints(root.GetProperty("first100_labels")),
            Ints(root.GetProperty("first100_predicted")),
            // Python wrote each float32 as the double it equals; the nearest float is that float32 again.
            root.GetProperty("first10_probabilities").EnumerateArray().Select(row => row.EnumerateArray().Select(e => e.GetSingle()).ToArray()).ToArray());
    }
}
