using System.Text.Json;

namespace ModelGen.Samples.FromPyTorch.Reference;

/// <summary>
/// What PyTorch measured when train_digits.py exported the model (models/digits.json, embedded in the
/// program so the binary needs no file beside it): its test accuracy, and its outputs for the first test
/// images, to set the compiled model's beside. Read with JsonDocument: no reflection, so NativeAOT-safe.
/// </summary>
internal sealed record PyTorchReference(string TorchVersion, int Correct, int Total, int[] First100Predicted, float[][] First10Probabilities)
{
    private const string ResourceName = "digits.json";

    public double Accuracy => (double)Correct / Total;

    public static PyTorchReference Load()
    {
        using Stream stream = typeof(PyTorchReference).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"{ResourceName} is not embedded in the program; the project file embeds models/digits.json.");
        using JsonDocument document = JsonDocument.Parse(stream);
        JsonElement root = document.RootElement;
        return new PyTorchReference(
            root.GetProperty("versions").GetProperty("torch").GetString() ?? "?",
            root.GetProperty("test_correct").GetInt32(),
            root.GetProperty("test_total").GetInt32(),
            root.GetProperty("first100_predicted").EnumerateArray().Select(e => e.GetInt32()).ToArray(),
            root.GetProperty("first10_probabilities").EnumerateArray().Select(row => row.EnumerateArray().Select(e => e.GetSingle()).ToArray()).ToArray());
    }
}
