using ModelGen.Onnx.Tests.Harness;
using ModelGen.Onnx.Tests.Models;
using ModelGen.Samples.Mnist.Data;

namespace ModelGen.Onnx.Tests;

/// <summary>
/// Issue 6's acceptance check: the MNIST network trained one epoch on MNIST's training set (Adam,
/// batch 32, shuffled), exported, and run by ONNX Runtime on the whole test set gives our
/// probabilities within 1e-5.
/// </summary>
public sealed class MnistOnnxTests
{
    private const int BatchSize = 32;

    [Fact]
    public void Onnx_Runtime_probabilities_equal_ours_on_the_MNIST_test_set_after_one_epoch()
    {
        MnistData data = MnistSource.Data;
        MnistMlp model = TrainOneEpoch(data.Train, seed: 42);

        MnistSet test = data.Test;
        var ours = new float[test.Count * MnistMlp.OutputSize];
        model.PredictBatch(test.Pixels, ours);
        // The check is only meaningful for a trained model: one epoch reaches about 95 % here.
        double accuracy = Accuracy(ours, test.Labels);
        Assert.True(accuracy > 0.90, $"after one epoch the model is only {accuracy:P1} accurate on the test set; training is broken");

        using var folder = new TempFolder();
        string path = folder.File("mnist.onnx");
        model.ExportOnnx(path);
        using var runner = new OrtRunner(path);
        float[] theirs = runner.Run(test.Pixels, test.Count, MnistMlp.InputSize);

        Compare.Within(ours, theirs, MnistMlp.OutputSize, "MNIST test set (10 000 images)");
        // Equal probabilities can only disagree on the class where two are within 1e-5 of each other.
        Assert.InRange(Math.Abs(accuracy - Accuracy(theirs, test.Labels)), 0.0, 0.001);
    }

    private static MnistMlp TrainOneEpoch(MnistSet train, ulong seed)
    {
        var model = new MnistMlp(seed);
        var workspace = new MnistMlp.Workspace(BatchSize);
        var optimizer = new Adam();
        var random = new Xoshiro256StarStar(seed);
        int[] order = Enumerable.Range(0, train.Count).ToArray();
        random.Shuffle(order.AsSpan());
        var images = new float[BatchSize * MnistMlp.InputSize];
        var labels = new int[BatchSize];
        for (int start = 0; start + BatchSize <= train.Count; start += BatchSize)
        {
            for (int s = 0; s < BatchSize; s++)
            {
                int index = order[start + s];
                train.Image(index).CopyTo(images.AsSpan(s * MnistMlp.InputSize));
                labels[s] = train.Labels[index];
            }
            model.TrainStep(workspace, images, labels, optimizer);
        }
        return model;
    }

    private static double Accuracy(float[] probabilities, int[] labels) =>
        (double)Inference.CountCorrect(probabilities, labels, 10) / labels.Length;
}
