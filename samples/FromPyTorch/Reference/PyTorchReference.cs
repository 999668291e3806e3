using System.Text.Json;

namespace ModelGen.Samples.FromPyTorch.Reference;

/// <summary>
/// What PyTorch measured when a training script exported its model (models/digits.json from train_digits.py,
/// models/resnet.json from train_resnet.py; embedded in the program so the binary needs no file beside it): its test
/// accuracy, the classes it predicted (the first 100 test images for the digits convnet, all 10,000 for the ResNet),
/// and the probabilities of the first 10 images, to set the compiled model's beside. Read with JsonDocument: no
/// reflection, so NativeAOT-safe.
/// </summary>
internal sealed record PyTorchReference(string ResourceName, string TorchVersion, int Parameters, int Correct, int Total, int[] Predicted,
    float[][] First10Probabilities)
{
    /// <summary>train_digits.py's figures for Digits.</summary>
    public const string Digits = "digits.json";

    /// <summary>train_resnet.py's figures for DigitsResNet.</summary>
    public const string ResNet = "resnet.json";

    public double Accuracy => (double)Correct / Total;

    public static PyTorchReference Load(string resourceName = Digits)
    {
        using Stream stream = typeof(PyTorchReference).Assembly.GetManifestResourceStream(resourceName)
            ?? throw new InvalidOperationException($"{resourceName} is not embedded in the program; the project file embeds models/{resourceName}.");
        using JsonDocument document = JsonDocument.Parse(stream);
        JsonElement root = document.RootElement;
        return new PyTorchReference(
            resourceName,
            root.GetProperty("versions").GetProperty("torch").GetString() ?? "?",
            root.GetProperty("parameters").GetInt32(),
            root.GetProperty("test_correct").GetInt32(),
            root.GetProperty("test_total").GetInt32(),
            Predictions(root),
            root.GetProperty("first10_probabilities").EnumerateArray().Select(row => row.EnumerateArray().Select(e => e.GetSingle()).ToArray()).ToArray());
    }

    // resnet.json holds every test image's class as a string of digits ("test_predicted"); digits.json the first 100 as numbers.
    private static int[] Predictions(JsonElement root)
    {
        if (root.TryGetProperty("test_predicted", out JsonElement all))
        {
            string digits = all.GetString() ?? "";
            if (!digits.All(char.IsAsciiDigit)) throw new InvalidDataException("test_predicted holds something other than digits.");
            return digits.Select(c => c - '0').ToArray();
        }
        return root.GetProperty("first100_predicted").EnumerateArray().Select(e => e.GetInt32()).ToArray();
    }
}
