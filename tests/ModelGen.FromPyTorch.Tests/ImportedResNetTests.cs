using System.Globalization;
using ModelGen.Samples.FromPyTorch;
using ModelGen.Training;
using Xunit.Abstractions;

namespace ModelGen.FromPyTorch.Tests;

/// <summary>
/// The DigitsResNet class that the generator compiled from PyTorch's resnet.onnx (BatchNormalization kept, with its
/// running statistics) is PyTorch's model: on the real MNIST test set every one of the 10,000 images gets PyTorch's
/// class, the count and the loss are PyTorch's, and the probabilities of the first images are PyTorch's. One pass over
/// the test set (about 5 s on the 2-core build machine) serves the tests that need it.
/// </summary>
public sealed class ImportedResNetTests(ITestOutputHelper output)
{
    // The sample's evaluation batch for the ResNet: half the memory of batches of 500, as fast.
    private const int EvaluationBatch = 100;

    private static readonly Lazy<(EvaluationResult Result, int[] Classes)> s_testSet = new(() =>
    {
        LabeledData test = MnistSource.Test;
        var classes = new int[test.Count];
        EvaluationResult result = new DigitsResNet().Evaluate(test, EvaluationBatch, classes);
        return (result, classes);
    });

    [Fact]
    public void Every_test_image_gets_PyTorchs_class()
    {
        int[] expected = PyTorchFigures.ResNet.Predicted;
        LabeledData test = MnistSource.Test;
        Assert.Equal(test.Count, expected.Length);

        int[] classes = s_testSet.Value.Classes;

        int[] different = Enumerable.Range(0, expected.Length).Where(i => classes[i] != expected[i]).ToArray();
        output.WriteLine($"{expected.Length - different.Length:N0} of {expected.Length:N0} test images get PyTorch's class");
        // A disagreement is a bug unless the image's two most probable classes are tied to float rounding: the message
        // gives the compiled model's two largest probabilities to tell.
        Assert.True(different.Length == 0, $"{different.Length} test images get another class than PyTorch's: " +
            string.Join("; ", different.Take(10).Select(i => Describe(test, i, expected[i], classes[i]))));
    }

    [Fact]
    public void Test_set_count_and_loss_are_PyTorchs()
    {
        PyTorchFigures pytorch = PyTorchFigures.ResNet;
        Assert.Equal(pytorch.First100Labels, MnistSource.Test.Labels.AsSpan(0, 100).ToArray());

        EvaluationResult result = s_testSet.Value.Result;

        output.WriteLine($"PyTorch {pytorch.Correct} / {pytorch.Total}, loss {pytorch.TestLoss:G6}; compiled model {result.Correct} / {result.Count}, loss {result.Loss:G6}");
        Assert.Equal(pytorch.Total, result.Count);
        Assert.Equal(pytorch.Correct, result.Correct);
        // A mean of 10,000 cross-entropies, each from probabilities within a few 1e-7 of PyTorch's.
        Assert.True(Math.Abs(result.Loss - pytorch.TestLoss) <= 1e-5, $"test loss: PyTorch {pytorch.TestLoss:G9}, compiled model {result.Loss:G9}");
    }

    [Fact]
    public void First_10_probabilities_are_PyTorchs_within_1e_5_relative()
    {
        float[][] expected = PyTorchFigures.ResNet.First10Probabilities;
        var probabilities = new float[expected.Length * DigitsResNet.OutputSize];

        new DigitsResNet().PredictBatch(MnistSource.Test.Inputs.AsSpan(0, expected.Length * DigitsResNet.InputSize), probabilities);

        double worst = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            for (int c = 0; c < DigitsResNet.OutputSize; c++)
            {
                float want = expected[i][c], got = probabilities[i * DigitsResNet.OutputSize + c];
                // Relative 1e-5, with an absolute floor of 1e-6 for probabilities near 0.
                double allowed = Math.Max(1e-5 * Math.Abs(want), 1e-6);
                Assert.True(Math.Abs(got - want) <= allowed, $"image {i}, class {c}: PyTorch {want:G9}, compiled model {got:G9}, allowed {allowed:G3}");
                worst = Math.Max(worst, Math.Abs(got - want));
            }
        }
        output.WriteLine($"largest difference: {worst:G3}");
    }

    // Exported from eval state with TrainingMode.PRESERVE, the graph keeps its nine BatchNormalization nodes (an eval
    // export folds them into the convolutions): each is a layer with PyTorch's momentum and ε, and its running
    // statistics are the model's State.
    [Fact]
    public void The_BatchNormalization_layers_and_their_running_statistics_are_imported()
    {
        BatchNormalizationLayerInfo[] batchNorms = DigitsResNet.Layers.OfType<BatchNormalizationLayerInfo>().ToArray();

        Assert.Equal(9, batchNorms.Length);
        Assert.All(batchNorms, bn => Assert.Equal((0.9f, 1e-5f), (bn.Momentum, bn.Epsilon)));
        Assert.Equal(DigitsResNet.StateCount, 2 * batchNorms.Sum(bn => bn.Output.Channels));
        var model = new DigitsResNet();
        Assert.Equal(DigitsResNet.ImportedState.ToArray(), model.State);
        // Trained statistics, not a fresh layer's zeros and ones.
        Assert.DoesNotContain(model.bn1RunningMean.ToArray(), m => m == 0f);
        Assert.DoesNotContain(model.bn1RunningVariance.ToArray(), v => v == 1f);
        // The .onnx file does not hold PyTorch's num_batches_tracked: the counters start at 0.
        Assert.Equal(new long[9], model.Counters);
        Assert.Equal(DigitsResNet.ParameterCount, PyTorchFigures.ResNet.Parameters + BiasFreeConvolutionSlots());
    }

    [Fact]
    public void One_image_at_a_time_gives_the_batch_classes()
    {
        LabeledData test = MnistSource.Test;
        var model = new DigitsResNet();
        int[] classes = s_testSet.Value.Classes;

        for (int i = 0; i < 100; i++)
            Assert.Equal(classes[i], model.PredictClass(test.Inputs.AsSpan(i * DigitsResNet.InputSize, DigitsResNet.InputSize)));
    }

    // The Parameters buffer keeps a bias slot (always 0) for each convolution, which PyTorch's bias=False convolutions lack.
    private static int BiasFreeConvolutionSlots() => DigitsResNet.Layers.OfType<Conv2DLayerInfo>().Sum(conv => conv.Filters);

    private static string Describe(LabeledData test, int image, int pytorch, int compiled)
    {
        var probabilities = new float[DigitsResNet.OutputSize];
        new DigitsResNet().Predict(test.Inputs.AsSpan(image * DigitsResNet.InputSize, DigitsResNet.InputSize), probabilities);
        return string.Create(CultureInfo.InvariantCulture,
            $"image {image}: PyTorch {pytorch}, compiled model {compiled} (its p[{pytorch}] = {probabilities[pytorch]:G9}, p[{compiled}] = {probabilities[compiled]:G9})");
    }
}
