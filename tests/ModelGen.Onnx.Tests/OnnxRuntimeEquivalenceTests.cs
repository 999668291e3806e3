using Microsoft.ML.OnnxRuntime;
using ModelGen.Onnx.Tests.Harness;

namespace ModelGen.Onnx.Tests;

/// <summary>Exported models run in ONNX Runtime and give the generated PredictBatch's outputs.</summary>
public sealed class OnnxRuntimeEquivalenceTests
{
    public static TheoryData<string, int> ModelsAndBatchSizes()
    {
        var data = new TheoryData<string, int>();
        foreach (string name in ExportedModel.Names)
            foreach (int rows in (int[])[1, 17, 100]) data.Add(name, rows);
        return data;
    }

    [Theory]
    [MemberData(nameof(ModelsAndBatchSizes))]
    public void Onnx_Runtime_outputs_equal_PredictBatch_outputs(string name, int rows)
    {
        ExportedModel model = ExportedModel.Create(name, seed: 11);
        // Random biases too, and inputs of either sign, so every activation sees both branches.
        model.Randomize(seed: (ulong)rows);
        float[] inputs = RandomInputs(rows * model.InputSize, seed: 1000 + (ulong)rows);

        using var folder = new TempFolder();
        string path = folder.File(name + ".onnx");
        model.ExportOnnx(path);

        using var runner = new OrtRunner(path);
        float[] ours = model.Predict(inputs);
        float[] theirs = runner.Run(inputs, rows, model.InputSize);
        Compare.Within(ours, theirs, model.OutputSize, $"{name}, {rows} row(s)");
    }

    [Fact]
    public void A_model_with_MNIST_like_inputs_and_trained_weights_matches_too()
    {
        // The MNIST network after a few Adam steps on sparse 0..1 images, as in real use.
        var mnist = new Models.MnistMlp(seed: 3);
        var workspace = new Models.MnistMlp.Workspace(32);
        var optimizer = new Adam();
        var random = new Xoshiro256StarStar(4);
        float[] images = SparseImages(32 * 20, ref random);
        int[] labels = Enumerable.Range(0, 32 * 20).Select(_ => random.NextInt32(10)).ToArray();
        for (int step = 0; step < 20; step++)
            mnist.TrainStep(workspace, images.AsSpan(step * 32 * 784, 32 * 784), labels.AsSpan(step * 32, 32), optimizer);

        using var folder = new TempFolder();
        string path = folder.File("mnist.onnx");
        mnist.ExportOnnx(path);
        using var runner = new OrtRunner(path);
        float[] ours = new float[images.Length / 784 * 10];
        mnist.PredictBatch(images, ours);
        Compare.Within(ours, runner.Run(images, images.Length / 784, 784), 10, "MNIST network after 20 Adam steps");
    }

    [Fact]
    public void Session_metadata_shows_the_declared_input_output_and_producer()
    {
        ExportedModel model = ExportedModel.Create(nameof(Models.EveryActivationClassifier), seed: 2);
        using var folder = new TempFolder();
        string path = folder.File("every.onnx");
        model.ExportOnnx(path);

        using var runner = new OrtRunner(path);
        InferenceSession session = runner.Session;
        NodeMetadata input = Assert.Single(session.InputMetadata, m => m.Key == "input").Value;
        NodeMetadata output = Assert.Single(session.OutputMetadata, m => m.Key == "output").Value;
        Assert.Equal(typeof(float), input.ElementType);
        Assert.Equal([-1, 12], input.Dimensions);
        Assert.Equal("batch", input.SymbolicDimensions[0]);
        Assert.Equal([-1, 6], output.Dimensions);
        Assert.Equal("batch", output.SymbolicDimensions[0]);
        Assert.Equal("ModelGen", session.ModelMetadata.ProducerName);
        Assert.Equal(nameof(Models.EveryActivationClassifier), session.ModelMetadata.GraphName);
    }

    [Fact]
    public void Exporting_again_after_the_parameters_change_writes_the_new_values()
    {
        ExportedModel model = ExportedModel.Create(nameof(Models.LinearOutputRegressor), seed: 8);
        float[] inputs = RandomInputs(5 * model.InputSize, seed: 9);
        using var folder = new TempFolder();
        string path = folder.File("regressor.onnx");
        model.ExportOnnx(path);
        float[] before;
        using (var runner = new OrtRunner(path)) before = runner.Run(inputs, 5, model.InputSize);

        model.Randomize(seed: 10);
        model.ExportOnnx(path); // replaces the file
        using var again = new OrtRunner(path);
        float[] after = again.Run(inputs, 5, model.InputSize);
        Compare.Within(model.Predict(inputs), after, model.OutputSize, "after re-export");
        Assert.NotEqual(before, after);
    }

    private static float[] RandomInputs(int count, ulong seed)
    {
        var random = new Xoshiro256StarStar(seed);
        var values = new float[count];
        for (int i = 0; i < count; i++) values[i] = 2f * random.NextSingle() - 1f;
        return values;
    }

    // About a fifth of the pixels lit, as in MNIST.
    private static float[] SparseImages(int count, ref Xoshiro256StarStar random)
    {
        var pixels = new float[count * 784];
        for (int i = 0; i < pixels.Length; i++) pixels[i] = random.NextSingle() < 0.19f ? random.NextSingle() : 0f;
        return pixels;
    }
}
