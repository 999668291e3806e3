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

    [Fact]
    public void Saved_fine_tuned_parameters_load_back_bit_for_bit()
    {
        var model = new Digits();
        FineTuning.Run(model, MnistSource.Train.Take(FineTuning.BatchSize * 4));
        string folder = Directory.CreateTempSubdirectory("fromPyTorch-").FullName;
        try
        {
            string path = Path.Combine(folder, "digits.safetensors");
            model.Save(path);
            var loaded = new Digits();
            loaded.Load(path);
            Assert.Equal(Bits(model.Parameters), Bits(loaded.Parameters));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    // Compared as bit patterns: equal floats are not enough to call two runs identical (-0 and 0, NaNs).
    private static int[] Bits(float[] values) => values.Select(BitConverter.SingleToInt32Bits).ToArray();
}
