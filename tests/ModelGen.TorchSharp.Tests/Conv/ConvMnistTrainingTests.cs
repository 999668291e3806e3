using System.Diagnostics;
using ModelGen.ReferenceTests.Models;
using ModelGen.Samples.Mnist.Data;
using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace ModelGen.ReferenceTests.Conv;

/// <summary>
/// The Keras MNIST convnet trained for one epoch of real MNIST (batch 128, Adam 1e-3 with ε 1e-7 on both
/// sides) in lockstep with its twin: same initial weights, same shuffled order, and each step's dropout
/// mask shared (the twin multiplies by the mask ModelGen's TrainStep drew). Then accuracy on the 10 000
/// test images: the runs differ only by float rounding (and the max-pool choices it can flip), so the
/// accuracies must agree within 0.3 points.
/// </summary>
public sealed class ConvMnistTrainingTests(ITestOutputHelper output)
{
    private const int BatchSize = 128;

    /// <summary>Training images used: the whole training set.</summary>
    private const int TrainingImages = 60_000;

    /// <summary>Samples per inference pass when evaluating (bounds the activations' memory).</summary>
    private const int EvaluationChunk = 500;

    [Fact]
    public async Task Conv_one_epoch_on_mnist_matches_torchsharp()
    {
        TorchRuntime.Require();
        MnistData data = await MnistForTests.Load(output);
        Assert.Equal(10_000, data.Test.Count);

        var model = new MnistConvNet(seed: 2024);
        ModelLayout layout = ModelLayout.Of(typeof(MnistConvNet));
        using var training = new LockstepTraining(Models.GeneratedModelAdapter.For(model), layout, new Adam(1e-3f),
            parameters => optim.Adam(parameters, lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-7));

        int[] order = Enumerable.Range(0, data.Train.Count).ToArray();
        var random = new Xoshiro256StarStar(7);
        random.Shuffle(order.AsSpan());
        order = order[..TrainingImages];
        var clock = Stopwatch.StartNew();
        for (int start = 0; start < order.Length; start += BatchSize)
            training.Step(MnistForTests.Gather(data.Train, order, start, BatchSize));
        TimeSpan trainingTime = clock.Elapsed;

        double ours = Accuracy(model, data.Test);
        double theirs = TwinAccuracy(training.Twin, data.Test);
        double firstLossGap = Math.Abs(training.Losses[0].Ours - training.Losses[0].Torch);
        output.WriteLine($"{TrainingImages} training images in {training.Losses.Count} steps of {BatchSize}: {trainingTime.TotalSeconds:F0} s for both sides");
        output.WriteLine($"test accuracy: ModelGen {ours:P2}, TorchSharp {theirs:P2}, difference {Math.Abs(ours - theirs) * 100:F2} points");
        output.WriteLine($"first batch loss: ModelGen {training.Losses[0].Ours:F6}, TorchSharp {training.Losses[0].Torch:F6}; largest per-batch loss gap {training.Losses.Max(l => Math.Abs(l.Ours - l.Torch)):E2}");
        output.WriteLine($"mean loss of the last 50 batches: ModelGen {training.Losses.TakeLast(50).Average(l => l.Ours):F4}, TorchSharp {training.Losses.TakeLast(50).Average(l => l.Torch):F4}");

        Assert.True(firstLossGap <= 1e-5 * Math.Max(1, training.Losses[0].Torch), $"the first batch's losses differ by {firstLossGap:E2}: not the same start");
        Assert.True(ours > 0.95, $"ModelGen reached only {ours:P2} after one epoch");
        Assert.True(Math.Abs(ours - theirs) <= 0.003, $"test accuracies differ by {Math.Abs(ours - theirs) * 100:F2} points: ModelGen {ours:P2}, TorchSharp {theirs:P2}");
    }

    private static double Accuracy(MnistConvNet model, MnistSet test)
    {
        var predicted = new int[test.Count];
        model.PredictClasses(test.Pixels, predicted);
        return predicted.Zip(test.Labels).Count(p => p.First == p.Second) / (double)test.Count;
    }

    private static double TwinAccuracy(TorchTwin twin, MnistSet test)
    {
        int correct = 0;
        for (int start = 0; start < test.Count; start += EvaluationChunk)
        {
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            int size = Math.Min(EvaluationChunk, test.Count - start);
            Tensor inputs = tensor(test.Pixels.AsSpan(start * MnistData.PixelsPerImage, size * MnistData.PixelsPerImage).ToArray(), [size, MnistData.PixelsPerImage]);
            long[] predicted = twin.Forward(inputs).argmax(1).data<long>().ToArray();
            for (int i = 0; i < size; i++) if (predicted[i] == test.Labels[start + i]) correct++;
        }
        return correct / (double)test.Count;
    }
}
