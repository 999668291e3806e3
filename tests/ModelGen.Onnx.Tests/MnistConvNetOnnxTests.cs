using ModelGen.Onnx.Tests.Harness;
using ModelGen.Onnx.Tests.Models;
using ModelGen.Samples.Mnist.Data;

namespace ModelGen.Onnx.Tests;

/// <summary>
/// The generated Keras convnet, trained on part of MNIST (Adam, batch 128, dropout active) so its
/// weights are not the initial ones, exported, and run by ONNX Runtime on the whole test set as
/// [batch, 28, 28, 1] images: its probabilities equal ours within 1e-5. Dropout is left out of the
/// graph, as at inference.
/// </summary>
public sealed class MnistConvNetOnnxTests
{
    private const int BatchSize = 128;
    private const int TrainingImages = 6_400;

    [Fact]
    public void Onnx_Runtime_probabilities_equal_ours_for_the_convnet_on_the_MNIST_test_set()
    {
        MnistData data = MnistSource.Data;
        var model = new MnistConvNet(seed: 7);
        var workspace = new MnistConvNet.Workspace(BatchSize);
        var optimizer = new Adam();
        for (int start = 0; start + BatchSize <= TrainingImages; start += BatchSize)
            model.TrainStep(workspace, data.Train.Pixels.AsSpan(start * 784, BatchSize * 784), data.Train.Labels.AsSpan(start, BatchSize), optimizer);

        MnistSet test = data.Test;
        var ours = new float[test.Count * MnistConvNet.OutputSize];
        model.PredictBatch(test.Pixels, ours);
        double accuracy = Accuracy(ours, test.Labels);
        Assert.True(accuracy > 0.85, $"after {TrainingImages} images the convnet is only {accuracy:P1} accurate on the test set; training is broken");

        using var folder = new TempFolder();
        string path = folder.File("convnet.onnx");
        model.ExportOnnx(path);
        using var runner = new OrtRunner(path);
        float[] theirs = runner.Run(test.Pixels, [test.Count, 28, 28, 1]);

        Compare.Within(ours, theirs, MnistConvNet.OutputSize, "MNIST test set (10 000 images), convnet");
        Assert.InRange(Math.Abs(accuracy - Accuracy(theirs, test.Labels)), 0.0, 0.001);
    }

    private static double Accuracy(float[] probabilities, int[] labels) =>
        (double)Inference.CountCorrect(probabilities, labels, 10) / labels.Length;
}
