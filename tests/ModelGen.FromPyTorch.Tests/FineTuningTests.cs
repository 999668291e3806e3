using System.Buffers.Binary;
using System.Text.Json;
using ModelGen.Samples.FromPyTorch;
using ModelGen.Training;
using Xunit.Abstractions;

namespace ModelGen.FromPyTorch.Tests;

/// <summary>
/// The sample's fine-tuning recipe (FineTuning.Run: Adam 1e-4, batch 128, fixed seed) on the imported model.
/// To keep the tests quick, the epoch runs over the first 12,800 training images (100 steps) rather than all
/// 60,000, whose epoch the sample's README measures; the test set is the whole 10,000.
/// </summary>
public sealed class FineTuningTests(ITestOutputHelper output)
{
    private const int TrainImages = 12_800;

    // The bound: one epoch of fine-tuning may not cost more than half a point of test accuracy.
    private const double AllowedDrop = 0.005;

    [Fact]
    public void One_epoch_is_deterministic_and_keeps_the_accuracy()
    {
        LabeledData train = MnistSource.Train.Take(TrainImages), test = MnistSource.Test;
        var first = new Digits();
        var second = new Digits();
        double before = first.Evaluate(test).Accuracy;

        TrainingHistory history = FineTuning.Run(first, train);
        FineTuning.Run(second, train);

        Assert.False(history.StoppedEarly, history.StopReason);
        Assert.NotEqual(Digits.ImportedParameters.ToArray(), first.Parameters);
        Assert.Equal(Bits(first.Parameters), Bits(second.Parameters));
        double after = first.Evaluate(test).Accuracy;
        output.WriteLine($"test accuracy {before:P2} -> {after:P2} after one epoch on {TrainImages:N0} images ({history.Epochs[0].Seconds:F1} s)");
        Assert.True(after >= before - AllowedDrop, $"fine-tuning lowered the test accuracy from {before:P2} to {after:P2}");
    }

    // evaluate_in_pytorch.py loads the saved file into train_digits.py's ConvNet as it is.
    [Fact]
    public void Saved_fine_tuned_parameters_load_back_bit_for_bit_under_PyTorchs_names()
    {
        var model = new Digits();
        FineTuning.Run(model, MnistSource.Train.Take(FineTuning.BatchSize * 4));
        string folder = Directory.CreateTempSubdirectory("fromPyTorch-").FullName;
        try
        {
            string path = Path.Combine(folder, "digits.safetensors");
            model.Save(path);
            Assert.Equal(["features.0.bias", "features.0.weight", "features.3.bias", "features.3.weight", "features.8.bias", "features.8.weight"],
                TensorNames(path));
            var loaded = new Digits();
            loaded.Load(path);
            Assert.Equal(Bits(model.Parameters), Bits(loaded.Parameters));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    // A safetensors file: an 8-byte little-endian header length, then a JSON object with one member per tensor.
    private static string[] TensorNames(string path)
    {
        byte[] bytes = File.ReadAllBytes(path);
        int length = checked((int)BinaryPrimitives.ReadUInt64LittleEndian(bytes));
        using JsonDocument header = JsonDocument.Parse(bytes.AsMemory(8, length));
        return header.RootElement.EnumerateObject().Select(p => p.Name).Where(n => n != "__metadata__").Order(StringComparer.Ordinal).ToArray();
    }

    // Compared as bit patterns: equal floats are not enough to call two runs identical (-0 and 0, NaNs).
    private static int[] Bits(float[] values) => values.Select(BitConverter.SingleToInt32Bits).ToArray();
}
