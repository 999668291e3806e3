using System.Buffers.Binary;
using System.Text.Json;
using ModelGen.Samples.FromPyTorch;
using ModelGen.Training;
using Xunit.Abstractions;

namespace ModelGen.FromPyTorch.Tests;

/// <summary>
/// Fine-tuning the imported ResNet with the sample's recipe (FineTuning.Run: Adam 1e-4, batch 128, fixed seed), which
/// runs it in training mode: BatchNormalization normalises with each batch's statistics and moves its running
/// statistics as PyTorch does (momentum 0.1, the unbiased batch variance), the steps lower the loss on their batches,
/// two runs agree bit for bit, and Save then Load keeps the model (parameters, running statistics, batch counts,
/// predictions) under the names of PyTorch's state_dict. A few steps each: a ResNet step costs about 0.4 s here.
/// </summary>
public sealed class ResNetFineTuningTests(ITestOutputHelper output)
{
    private const int Steps = 4;

    private static readonly string[] BatchNormTensors = ["weight", "bias", "running_mean", "running_var", "num_batches_tracked"];

    [Fact]
    public void One_step_moves_the_running_statistics_as_PyTorch_does()
    {
        LabeledData batch = MnistSource.Train.Take(FineTuning.BatchSize);
        var model = new DigitsResNet();
        float[] mean = model.bn1RunningMean.ToArray(), variance = model.bn1RunningVariance.ToArray();
        (double[] batchMean, double[] batchVariance) = Conv1Statistics(model, batch);

        FineTuning.Run(model, batch);

        // PyTorch: running = (1 − 0.1)·running + 0.1·batch statistic, with the variance's n/(n − 1) correction, for the
        // first BatchNorm (after the stem convolution, whose output the test computes itself from the imported weights).
        // Float rounding of the result is about 6e-8 of it (5.6e-8 seen); leaving out the n/(n − 1) correction, n = 128·784,
        // would be 1e-6 off.
        const double Relative = 3e-7;
        for (int c = 0; c < mean.Length; c++)
        {
            double expectedMean = 0.9 * mean[c] + 0.1 * batchMean[c], expectedVariance = 0.9 * variance[c] + 0.1 * batchVariance[c];
            double allowedMean = Relative * (Math.Abs(0.9 * mean[c]) + Math.Abs(0.1 * batchMean[c]));
            Assert.True(Math.Abs(model.bn1RunningMean[c] - expectedMean) <= allowedMean,
                $"bn1.running_mean[{c}]: {model.bn1RunningMean[c]:G9}, PyTorch's rule gives {expectedMean:G9}");
            Assert.True(Math.Abs(model.bn1RunningVariance[c] - expectedVariance) <= Relative * expectedVariance,
                $"bn1.running_var[{c}]: {model.bn1RunningVariance[c]:G9}, PyTorch's rule (unbiased batch variance) gives {expectedVariance:G9}");
        }
        Assert.Equal(Enumerable.Repeat(1L, 9), model.Counters);
        Assert.DoesNotContain(Enumerable.Range(0, DigitsResNet.StateCount), i => model.State[i] == DigitsResNet.ImportedState[i]);
    }

    [Fact]
    public void A_few_steps_lower_the_loss_on_their_batches_and_are_deterministic()
    {
        LabeledData train = MnistSource.Train.Take(FineTuning.BatchSize * Steps);
        var first = new DigitsResNet();
        var second = new DigitsResNet();
        EvaluationResult before = first.Evaluate(train, FineTuning.BatchSize);

        TrainingHistory history = FineTuning.Run(first, train);
        FineTuning.Run(second, train);

        Assert.False(history.StoppedEarly, history.StopReason);
        EvaluationResult after = first.Evaluate(train, FineTuning.BatchSize);
        output.WriteLine($"loss on the {train.Count} fine-tuning images, inference mode: {before.Loss:G5} -> {after.Loss:G5} ({before.Correct} -> {after.Correct} right) after {Steps} steps, {history.Epochs[0].Seconds:F1} s");
        Assert.True(after.Loss < before.Loss, $"the loss on the fine-tuned batches went from {before.Loss:G6} to {after.Loss:G6}");
        Assert.NotEqual(DigitsResNet.ImportedParameters.ToArray(), first.Parameters);
        Assert.Equal(Bits(first.Parameters), Bits(second.Parameters));
        Assert.Equal(Bits(first.State), Bits(second.State));
        Assert.Equal(Enumerable.Repeat((long)Steps, 9), first.Counters);
    }

    // evaluate_in_pytorch.py loads the saved file into train_resnet.py's ResNet as it is.
    [Fact]
    public void Save_then_Load_keeps_the_fine_tuned_model_under_PyTorchs_names()
    {
        var model = new DigitsResNet();
        FineTuning.Run(model, MnistSource.Train.Take(FineTuning.BatchSize * 2));
        string folder = Directory.CreateTempSubdirectory("fromPyTorch-resnet-").FullName;
        try
        {
            string path = Path.Combine(folder, "resnet.safetensors");
            model.Save(path);
            Assert.Equal(StateDictNames(), TensorNames(path));

            var loaded = new DigitsResNet(seed: 7);
            loaded.Load(path);

            Assert.Equal(Bits(model.Parameters), Bits(loaded.Parameters));
            Assert.Equal(Bits(model.State), Bits(loaded.State));
            Assert.Equal(model.Counters, loaded.Counters);
            ReadOnlySpan<float> images = MnistSource.Test.Inputs.AsSpan(0, 200 * DigitsResNet.InputSize);
            float[] expected = new float[200 * DigitsResNet.OutputSize], got = new float[expected.Length];
            model.PredictBatch(images, expected);
            loaded.PredictBatch(images, got);
            Assert.Equal(Bits(expected), Bits(got));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    // The first BatchNorm's input in training mode: the stem convolution (1 → 16 channels, 3×3, padding 1, no bias)
    // of the batch, computed here in double; its mean and unbiased variance per channel over images and pixels.
    private static (double[] Mean, double[] Variance) Conv1Statistics(DigitsResNet model, LabeledData batch)
    {
        const int Size = 28, Filters = 16;
        ReadOnlySpan<float> w = model.conv1Weights; // [kh, kw, 1, filters]
        var sums = new double[Filters];
        var squares = new double[Filters];
        var pixel = new double[Filters];
        for (int n = 0; n < batch.Count; n++)
        {
            ReadOnlySpan<float> image = batch.Inputs.AsSpan(n * Size * Size, Size * Size);
            for (int y = 0; y < Size; y++)
            {
                for (int x = 0; x < Size; x++)
                {
                    Array.Clear(pixel);
                    for (int ky = 0; ky < 3; ky++)
                    {
                        for (int kx = 0; kx < 3; kx++)
                        {
                            int iy = y + ky - 1, ix = x + kx - 1;
                            if (iy < 0 || iy >= Size || ix < 0 || ix >= Size) continue;
                            for (int f = 0; f < Filters; f++) pixel[f] += (double)w[(ky * 3 + kx) * Filters + f] * image[iy * Size + ix];
                        }
                    }
                    for (int f = 0; f < Filters; f++)
                    {
                        sums[f] += pixel[f];
                        squares[f] += pixel[f] * pixel[f];
                    }
                }
            }
        }
        double count = (double)batch.Count * Size * Size;
        var mean = new double[Filters];
        var variance = new double[Filters];
        for (int f = 0; f < Filters; f++)
        {
            mean[f] = sums[f] / count;
            variance[f] = (squares[f] - count * mean[f] * mean[f]) / (count - 1);
        }
        return (mean, variance);
    }

    // train_resnet.py's ResNet's state_dict: bias-free convolutions (weight only), nine BatchNorms, fc.
    private static string[] StateDictNames()
    {
        string[] batchNorms = ["bn1", "layer1.bn1", "layer1.bn2", "layer2.bn1", "layer2.bn2", "layer2.downsample.1", "layer3.bn1", "layer3.bn2", "layer3.downsample.1"];
        string[] convolutions = ["conv1", "layer1.conv1", "layer1.conv2", "layer2.conv1", "layer2.conv2", "layer2.downsample.0", "layer3.conv1", "layer3.conv2", "layer3.downsample.0"];
        return convolutions.Select(c => c + ".weight")
            .Concat(batchNorms.SelectMany(bn => BatchNormTensors.Select(t => bn + "." + t)))
            .Concat(["fc.weight", "fc.bias"])
            .Order(StringComparer.Ordinal).ToArray();
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
