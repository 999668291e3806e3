using ModelGen.Onnx.Tests.Harness;
using ModelGen.Onnx.Tests.Models;
using ModelGen.TestModels;
using Xunit.Abstractions;

namespace ModelGen.Onnx.Tests;

/// <summary>
/// The graph models of Models/GraphModels.cs (residual Add, Concatenate, BatchNormalization, ReLU6, depthwise
/// convolution, average and global average pooling, blocks, named inputs, bias-free layers), trained for a few steps
/// so that BatchNormalization's running statistics, γ and β are far from their initial values, exported with
/// ExportOnnx and run by ONNX Runtime on [rows, H, W, C] images: its outputs equal PredictBatch's within 1e-5.
/// </summary>
public sealed class GeneratedGraphOnnxRuntimeTests(ITestOutputHelper output)
{
    private const int TrainingSteps = 20, BatchSize = 8;

    public static TheoryData<string, int> ModelsAndRows()
    {
        var data = new TheoryData<string, int>();
        foreach (string name in (string[])["TinyResNet", "InvertedResidual", "TwoBranches"])
            foreach (int rows in (int[])[1, 8, 100]) data.Add(name, rows);
        return data;
    }

    [Theory]
    [MemberData(nameof(ModelsAndRows))]
    public void Onnx_Runtime_outputs_equal_PredictBatch_for_the_trained_graph_models(string name, int rows)
    {
        (IModel model, int[] image, double moved) = name switch
        {
            "TinyResNet" => Trained(new TinyResNet(seed: 71), m => m.CreateWorkspace(BatchSize), m => m.State, new TinyResNet().State, [8, 8, 2]),
            "InvertedResidual" => Trained(new InvertedResidual(seed: 71), m => m.CreateWorkspace(BatchSize), m => m.State, new InvertedResidual().State, [6, 6, 3]),
            "TwoBranches" => Trained(new TwoBranches(seed: 71), m => m.CreateWorkspace(BatchSize), _ => null, null, [7, 7, 2]),
            _ => throw new ArgumentException($"No model named {name}.", nameof(name)),
        };
        // The running statistics moved well away from a fresh model's (means 0, variances 1).
        if (name != "TwoBranches") Assert.True(moved > 0.1, $"{name}: the running statistics moved only {moved:G3} in {TrainingSteps} steps.");

        float[] inputs = RandomInputs(rows * model.InputSize, seed: 7100 + (ulong)rows);
        var ours = new float[rows * model.OutputSize];
        model.PredictBatch(inputs, ours);

        using var folder = new TempFolder();
        string path = folder.File(name + ".onnx");
        model.ExportOnnx(path);
        using var runner = new OrtRunner(path);
        float[] theirs = runner.Run(inputs, [rows, image[0], image[1], image[2]]);
        float worst = ours.Zip(theirs, (a, b) => MathF.Abs(a - b)).Max();
        output.WriteLine($"{name}, {rows} row(s): max abs difference {worst:E2}; running statistics moved up to {moved:G3}");
        Compare.Within(ours, theirs, model.OutputSize, $"{name}, {rows} row(s), after {TrainingSteps} training steps");
    }

    // Adam steps on random labelled batches: moves every parameter, and (training-mode forwards) the running statistics.
    private static (IModel, int[], double) Trained<TModel, TWorkspace>(TModel model, Func<TModel, TWorkspace> workspace, Func<TModel, float[]?> state, float[]? initial, int[] image)
        where TModel : IClassifier<TWorkspace> where TWorkspace : IWorkspace
    {
        TWorkspace w = workspace(model);
        var optimizer = new Adam(learningRate: 0.01f);
        var random = new Xoshiro256StarStar(7200);
        var labels = new int[BatchSize];
        for (int step = 0; step < TrainingSteps; step++)
        {
            float[] inputs = RandomInputs(BatchSize * model.InputSize, seed: 7300 + (ulong)step);
            for (int i = 0; i < BatchSize; i++) labels[i] = random.NextInt32(model.OutputSize);
            model.TrainStep(w, inputs, labels, optimizer);
        }
        float[]? values = state(model);
        double moved = values is null ? 0 : values.Zip(initial!, (a, b) => Math.Abs((double)a - b)).Max();
        return (model, image, moved);
    }

    private static float[] RandomInputs(int count, ulong seed)
    {
        var random = new Xoshiro256StarStar(seed);
        var values = new float[count];
        for (int i = 0; i < count; i++) values[i] = 2f * random.NextSingle() - 1f;
        return values;
    }
}
