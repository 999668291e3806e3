using ModelGen.Tests.Models;

namespace ModelGen.Tests.Core;

/// <summary>
/// Generated convolutional models as a user meets them: they learn, a seed fixes everything (dropout
/// masks included), dropout acts only in training, and inference agrees with the batch forward pass.
/// Their math is checked against TorchSharp in ModelGen.TorchSharp.Tests and their kernels against
/// naive references in the kernel tests.
/// </summary>
public sealed class ConvModelTests
{
    private static readonly (float[] Images, int[] Labels) Train = SyntheticDigits.Create(600, seed: 11);
    private static readonly (float[] Images, int[] Labels) Test = SyntheticDigits.Create(200, seed: 12);

    private static float[] Rows(float[] images, int start, int count) => images.AsSpan(start * 784, count * 784).ToArray();

    /// <summary>Trains <paramref name="model"/> for <paramref name="epochs"/> passes in a fixed order, batch 30.</summary>
    private static void TrainTiny(TinyConvNet model, int epochs, Optimizer optimizer)
    {
        var workspace = new TinyConvNet.Workspace(30);
        for (int epoch = 0; epoch < epochs; epoch++)
            for (int start = 0; start < Train.Labels.Length; start += 30)
                model.TrainStep(workspace, Train.Images.AsSpan(start * 784, 30 * 784), Train.Labels.AsSpan(start, 30), optimizer);
    }

    [Fact]
    public void Tiny_convnet_learns_synthetic_digits()
    {
        var model = new TinyConvNet(seed: 1);
        var classes = new int[Test.Labels.Length];
        model.PredictClasses(Test.Images, classes);
        double before = classes.Zip(Test.Labels).Count(p => p.First == p.Second) / (double)classes.Length;

        TrainTiny(model, epochs: 3, new Adam(3e-3f));

        model.PredictClasses(Test.Images, classes);
        double after = classes.Zip(Test.Labels).Count(p => p.First == p.Second) / (double)classes.Length;
        Assert.True(before < 0.3, $"Untrained accuracy {before:P1} should be near chance.");
        Assert.True(after >= 0.95, $"Accuracy after training {after:P1}, expected ≥ 95%.");
    }

    [Fact]
    public void Same_seed_gives_bit_identical_training_with_dropout()
    {
        var first = new TinyConvNet(seed: 5);
        var second = new TinyConvNet(seed: 5);
        TrainTiny(first, epochs: 1, new Adam());
        TrainTiny(second, epochs: 1, new Adam());
        Assert.Equal(first.Parameters, second.Parameters);

        var other = new TinyConvNet(seed: 6);
        TrainTiny(other, epochs: 1, new Adam());
        Assert.NotEqual(first.Parameters, other.Parameters);
    }

    [Fact]
    public void Dropout_drops_in_training_mode_only()
    {
        var model = new MnistConvNet(seed: 3);
        var workspace = new MnistConvNet.Workspace(8);
        float[] batch = Rows(Test.Images, 0, 8);

        model.Forward(workspace, batch); // inference mode, the default
        float[] inference = workspace.Outputs.ToArray();
        model.Forward(workspace, batch, training: false);
        Assert.Equal(inference, workspace.Outputs.ToArray());

        var expected = new float[8 * 10];
        model.PredictBatch(batch, expected);
        Assert.Equal(expected, inference);

        model.Forward(workspace, batch, training: true);
        float[] mask = workspace.Dropout1Mask.ToArray();
        Assert.Equal(8 * MnistConvNet.Dropout1Size, mask.Length);
        Assert.All(mask, m => Assert.True(m == 0f || m == 2f, $"mask value {m}"));
        double dropped = mask.Count(m => m == 0f) / (double)mask.Length;
        Assert.InRange(dropped, 0.45, 0.55);
        Assert.NotEqual(inference, workspace.Outputs.ToArray());

        // A second training pass draws a new mask.
        model.Forward(workspace, batch, training: true);
        Assert.NotEqual(mask, workspace.Dropout1Mask.ToArray());
    }

    [Fact]
    public void Backward_after_an_inference_forward_ignores_the_old_mask()
    {
        // The gradient of an inference-mode pass is the gradient of the network without dropout, whatever
        // mask a training pass left in the workspace.
        var model = new MnistConvNet(seed: 4);
        var workspace = new MnistConvNet.Workspace(4);
        float[] batch = Rows(Test.Images, 8, 4);
        int[] labels = Test.Labels.AsSpan(8, 4).ToArray();

        model.Forward(workspace, batch);
        model.Backward(workspace, labels);
        float[] clean = model.Gradients.ToArray();

        model.Forward(workspace, batch, training: true);
        model.Forward(workspace, batch);
        model.Backward(workspace, labels);
        Assert.Equal(clean, model.Gradients);
    }

    [Fact]
    public void Single_predictions_match_the_batch_forward()
    {
        var model = new MnistConvNet(seed: 9);
        var outputs = new float[70 * 10];
        float[] images = Rows(Test.Images, 0, 70);
        model.PredictBatch(images, outputs); // 70 > InferenceBatchSize: two passes
        var one = new float[10];
        for (int s = 0; s < 70; s += 23)
        {
            model.Predict(images.AsSpan(s * 784, 784), one);
            Assert.Equal(outputs.AsSpan(s * 10, 10).ToArray(), one);
            Assert.Equal(Batch.ArgMax(one), model.PredictClass(images.AsSpan(s * 784, 784)));
        }
    }

    [Fact]
    public void Save_and_load_round_trip_a_convnet()
    {
        var model = new TinyConvNet(seed: 21);
        TrainTiny(model, epochs: 1, new Adam());
        string path = Path.Combine(Path.GetTempPath(), "modelgen-conv-" + Guid.NewGuid().ToString("N") + ".safetensors");
        try
        {
            model.Save(path);
            var loaded = new TinyConvNet(seed: 99);
            Assert.NotEqual(model.Parameters, loaded.Parameters);
            loaded.Load(path);
            Assert.Equal(model.Parameters, loaded.Parameters);
            Assert.Throws<ModelGen.Serialization.ModelFileException>(() => new MnistConvNet().Load(path));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Generated_shapes_follow_keras()
    {
        Assert.Equal(34_826, MnistConvNet.ParameterCount);
        Assert.Equal((26, 26), (MnistConvNet.Conv1OutputHeight, MnistConvNet.Conv1OutputWidth));
        Assert.Equal((5, 5, 64), (MnistConvNet.Pool2OutputHeight, MnistConvNet.Pool2OutputWidth, MnistConvNet.Pool2Channels));
        Assert.Equal(1600, MnistConvNet.Dense1Inputs);
        // Same padding with stride 2: ceil(28 / 2) = 14, total padding (14 − 1)·2 + 5 − 28 = 3, one on top.
        Assert.Equal(14, TinyConvNet.Conv1OutputHeight);
        Assert.Equal(1, TinyConvNet.Conv1Geometry.PadTop);
        Assert.Equal(
            "input=28x28x1;Conv1=conv2d(32,3x3,stride=1,valid,relu);Pool1=max_pool2d(2x2,stride=2x2,valid);Conv2=conv2d(64,3x3,stride=1,valid,relu);" +
            "Pool2=max_pool2d(2x2,stride=2x2,valid);Flatten1=flatten;Dropout1=dropout(0.5);Dense1=dense(10,softmax);loss=sparse_categorical_crossentropy",
            MnistConvNet.Spec);
        Assert.Equal(["Conv1", "Pool1", "Conv2", "Pool2", "Flatten1", "Dropout1", "Dense1"], MnistConvNet.Layers.Select(l => l.Name));
    }
}
