using System.Runtime.InteropServices;
using ModelGen.Tests.Models;

namespace ModelGen.Tests.Core;

/// <summary>The MNIST declaration compiles and trains through its generated API, deterministically.</summary>
public sealed class MnistConsumerTests
{
    [Fact]
    public void Generated_constants_describe_the_declared_network()
    {
        Assert.Equal(784, MnistMlp.InputSize);
        Assert.Equal(10, MnistMlp.OutputSize);
        Assert.Equal(2, MnistMlp.LayerCount);
        Assert.Equal(784 * 128 + 128 + 128 * 10 + 10, MnistMlp.ParameterCount);
        Assert.Equal((784, 128, 128, 10), (MnistMlp.HiddenInputs, MnistMlp.HiddenUnits, MnistMlp.OutputInputs, MnistMlp.OutputUnits));
        var model = new MnistMlp(seed: 1);
        Assert.Equal(MnistMlp.ParameterCount, model.Parameters.Length);
        Assert.Equal(MnistMlp.ParameterCount, model.Gradients.Length);
        // The typed views are windows on the flat buffer, in declaration order.
        model.OutputBiases[3] = 42f;
        Assert.Equal(42f, model.Parameters[784 * 128 + 128 + 128 * 10 + 3]);
        model.HiddenWeights[5] = -1f;
        Assert.Equal(-1f, model.Parameters[5]);
    }

    [Fact]
    public void Initialisation_is_glorot_uniform_with_zero_biases()
    {
        var model = new MnistMlp(seed: 123);
        float hiddenLimit = MathF.Sqrt(6f / (784 + 128)), outputLimit = MathF.Sqrt(6f / (128 + 10));
        Assert.All(model.HiddenWeights.ToArray(), w => Assert.InRange(w, -hiddenLimit, hiddenLimit));
        Assert.All(model.OutputWeights.ToArray(), w => Assert.InRange(w, -outputLimit, outputLimit));
        Assert.All(model.HiddenBiases.ToArray(), b => Assert.Equal(0f, b));
        Assert.All(model.OutputBiases.ToArray(), b => Assert.Equal(0f, b));
        // Uniform on (-limit, limit): mean near 0, variance limit²/3.
        double mean = model.HiddenWeights.ToArray().Average(w => (double)w);
        double variance = model.HiddenWeights.ToArray().Average(w => (double)w * w);
        Assert.InRange(mean, -0.002, 0.002);
        Assert.InRange(variance, 0.97 * hiddenLimit * hiddenLimit / 3, 1.03 * hiddenLimit * hiddenLimit / 3);
    }

    [Fact]
    public void Same_seed_gives_the_same_weights_and_other_seeds_do_not()
    {
        Assert.True(Bytes(new MnistMlp(seed: 9).Parameters).SequenceEqual(Bytes(new MnistMlp(seed: 9).Parameters)));
        Assert.False(Bytes(new MnistMlp(seed: 9).Parameters).SequenceEqual(Bytes(new MnistMlp(seed: 10).Parameters)));
    }

    [Fact]
    public void Trains_on_synthetic_digits_to_high_accuracy()
    {
        var (images, labels) = SyntheticDigits.Create(2048, seed: 5);
        var (testImages, testLabels) = SyntheticDigits.Create(512, seed: 6);
        var model = new MnistMlp(seed: 1);
        float[] parameters = Train(model, images, labels, epochs: 2);

        var predicted = new int[testLabels.Length];
        model.PredictClasses(testImages, predicted);
        double accuracy = predicted.Zip(testLabels).Count(p => p.First == p.Second) / (double)testLabels.Length;
        Assert.True(accuracy > 0.95, $"test accuracy {accuracy:P1}");
        Assert.Equal(MnistMlp.ParameterCount, parameters.Length);
    }

    [Fact]
    public void Training_is_bit_identical_run_after_run()
    {
        var (images, labels) = SyntheticDigits.Create(640, seed: 5);
        float[] first = Train(new MnistMlp(seed: 3), images, labels, epochs: 1);
        float[] second = Train(new MnistMlp(seed: 3), images, labels, epochs: 1);
        float[] otherSeed = Train(new MnistMlp(seed: 4), images, labels, epochs: 1);
        Assert.True(Bytes(first).SequenceEqual(Bytes(second)), "two runs with the same seed gave different parameters");
        Assert.False(Bytes(first).SequenceEqual(Bytes(otherSeed)), "different seeds gave the same parameters");
    }

    [Fact]
    public void Predict_agrees_with_the_batched_forward_pass()
    {
        var (images, _) = SyntheticDigits.Create(70, seed: 8);
        var model = new MnistMlp(seed: 2);
        var batched = new float[70 * 10];
        model.PredictBatch(images, batched); // 70 samples: one full inference batch and a partial one
        var workspace = new MnistMlp.Workspace(70);
        model.Forward(workspace, images);
        Assert.Equal(workspace.Outputs.ToArray(), batched);
        var single = new float[10];
        for (int s = 0; s < 70; s += 13)
        {
            model.Predict(images.AsSpan(s * 784, 784), single);
            Assert.Equal(batched.AsSpan(s * 10, 10).ToArray(), single);
            int best = Array.IndexOf(single, single.Max());
            Assert.Equal(best, model.PredictClass(images.AsSpan(s * 784, 784)));
            Assert.InRange(single.Sum(), 0.9999f, 1.0001f);
        }
    }

    [Fact]
    public void Bad_arguments_are_refused_with_clear_messages()
    {
        var model = new MnistMlp();
        var workspace = new MnistMlp.Workspace(4);
        var error = Assert.Throws<ArgumentException>(() => model.Forward(workspace, new float[5 * 784]));
        Assert.Contains("more than the workspace capacity 4", error.Message);
        error = Assert.Throws<ArgumentException>(() => model.Forward(workspace, new float[783]));
        Assert.Contains("not a positive multiple of the sample size 784", error.Message);
        Assert.Throws<InvalidOperationException>(() => model.Backward(workspace, new int[2]));
        model.Forward(workspace, new float[2 * 784]);
        error = Assert.Throws<ArgumentException>(() => model.Backward(workspace, new int[3]));
        Assert.Contains("batch of 2 samples needs 2", error.Message);
        var outOfRange = Assert.Throws<ArgumentOutOfRangeException>(() => model.Backward(workspace, new[] { 0, 10 }));
        Assert.Contains("Label 10 of sample 1", outOfRange.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => model.ComputeLoss(workspace, new[] { -1, 0 }));
        Assert.Throws<ArgumentException>(() => model.Predict(new float[784], new float[9]));
        Assert.Throws<ArgumentOutOfRangeException>(() => new MnistMlp.Workspace(0));
    }

    /// <summary>Trains with Adam, batch 32, shuffling with a fixed seed; returns a copy of the parameters.</summary>
    public static float[] Train(MnistMlp model, float[] images, int[] labels, int epochs)
    {
        const int batchSize = 32;
        var workspace = new MnistMlp.Workspace(batchSize);
        var optimizer = new Adam();
        var random = new Xoshiro256StarStar(17);
        var order = Enumerable.Range(0, labels.Length).ToArray();
        var batchImages = new float[batchSize * 784];
        var batchLabels = new int[batchSize];
        for (int epoch = 0; epoch < epochs; epoch++)
        {
            random.Shuffle(order.AsSpan());
            for (int start = 0; start + batchSize <= labels.Length; start += batchSize)
            {
                for (int j = 0; j < batchSize; j++)
                {
                    images.AsSpan(order[start + j] * 784, 784).CopyTo(batchImages.AsSpan(j * 784));
                    batchLabels[j] = labels[order[start + j]];
                }
                model.TrainStep(workspace, batchImages, batchLabels, optimizer);
            }
        }
        return (float[])model.Parameters.Clone();
    }

    private static byte[] Bytes(float[] values) => MemoryMarshal.AsBytes(values.AsSpan()).ToArray();
}
