using ModelGen.Samples.FromPyTorch;
using ModelGen.Training;
using Xunit.Abstractions;

namespace ModelGen.FromPyTorch.Tests;

/// <summary>
/// The Digits class that the generator compiled from PyTorch's digits.onnx, with its trained weights, is
/// PyTorch's model: on the real MNIST test set it gets PyTorch's count, its classes and probabilities for the
/// first test images are PyTorch's.
/// </summary>
public sealed class ImportedDigitsTests(ITestOutputHelper output)
{
    // A test image whose two most probable classes are nearly tied can flip between float implementations
    // (PyTorch's kernels and ModelGen's sum in different orders); a larger gap would be a real difference.
    private const int CountTolerance = 2;

    [Fact]
    public void Test_set_count_is_PyTorchs()
    {
        EvaluationResult result = new Digits().Evaluate(MnistSource.Test);

        output.WriteLine($"PyTorch {PyTorchFigures.Digits.Correct} / {PyTorchFigures.Digits.Total}, compiled model {result.Correct} / {result.Count}");
        Assert.Equal(PyTorchFigures.Digits.Total, result.Count);
        Assert.InRange(result.Correct, PyTorchFigures.Digits.Correct - CountTolerance, PyTorchFigures.Digits.Correct + CountTolerance);
    }

    [Fact]
    public void First_100_classes_are_PyTorchs()
    {
        LabeledData test = MnistSource.Test;
        Assert.Equal(PyTorchFigures.Digits.First100Labels, test.Labels.AsSpan(0, 100).ToArray());
        var classes = new int[100];

        new Digits().PredictClasses(test.Inputs.AsSpan(0, 100 * Digits.InputSize), classes);

        Assert.Equal(PyTorchFigures.Digits.Predicted, classes);
    }

    [Fact]
    public void First_10_probabilities_are_PyTorchs_within_1e_5_relative()
    {
        float[][] expected = PyTorchFigures.Digits.First10Probabilities;
        var probabilities = new float[expected.Length * Digits.OutputSize];

        new Digits().PredictBatch(MnistSource.Test.Inputs.AsSpan(0, expected.Length * Digits.InputSize), probabilities);

        double worst = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            for (int c = 0; c < Digits.OutputSize; c++)
            {
                float want = expected[i][c], got = probabilities[i * Digits.OutputSize + c];
                // Relative 1e-5, with an absolute floor of 1e-6 for probabilities near 0.
                double allowed = Math.Max(1e-5 * Math.Abs(want), 1e-6);
                Assert.True(Math.Abs(got - want) <= allowed, $"image {i}, class {c}: PyTorch {want:G9}, compiled model {got:G9}, allowed {allowed:G3}");
                worst = Math.Max(worst, Math.Abs(got - want));
            }
        }
        output.WriteLine($"largest difference: {worst:G3}");
    }

    [Fact]
    public void One_image_at_a_time_gives_the_batch_classes()
    {
        LabeledData test = MnistSource.Test;
        var model = new Digits();
        var classes = new int[200];
        model.PredictClasses(test.Inputs.AsSpan(0, classes.Length * Digits.InputSize), classes);

        for (int i = 0; i < classes.Length; i++)
            Assert.Equal(classes[i], model.PredictClass(test.Inputs.AsSpan(i * Digits.InputSize, Digits.InputSize)));
    }
}
