using ModelGen.Export;
using ModelGen.OnnxImport.Tests.Harness;
using ModelGen.OnnxImport.Tests.Models;


namespace ModelGen.OnnxImport.Tests;

/// <summary>
/// The [OnnxModel] classes this project's own build generated (Models/ImportedModels.cs): the same members and
/// interfaces as a declared model, the trained weights from the parameterless constructor, PyTorch's outputs,
/// training, save and load, and ONNX export.
/// </summary>
public sealed class BuiltImportTests
{
    private static (float[] Inputs, float[] Outputs) Fixture(string name) =>
        (Fixtures.ReadFloats(name + ".input.bin"), Fixtures.ReadFloats(name + ".output.bin"));

    private static float[] PredictBatch<TWorkspace>(IModel<TWorkspace> model, float[] inputs) where TWorkspace : IWorkspace
    {
        var outputs = new float[inputs.Length / model.InputSize * model.OutputSize];
        var workspace = model.CreateWorkspace(inputs.Length / model.InputSize);
        model.Forward(workspace, inputs);
        workspace.Outputs.CopyTo(outputs);
        return outputs;
    }

    [Fact]
    public void TheClassesAreClassifiersAndRegressorsWithTheFilesShapes()
    {
        Assert.IsAssignableFrom<IClassifier<TorchMlp.Workspace>>(new TorchMlp());
        Assert.IsAssignableFrom<IClassifier<TorchConvNet.Workspace>>(new TorchConvNet());
        Assert.IsAssignableFrom<IRegressor<TorchLeakyTanh.Workspace>>(new TorchLeakyTanh());
        Assert.Equal((784, 10, 101_770), (TorchMlp.InputSize, TorchMlp.OutputSize, TorchMlp.ParameterCount));
        Assert.Equal((784, 10), (TorchConvNet.InputSize, TorchConvNet.OutputSize));
        Assert.Equal(3 * 16 * 16, TorchRgb.InputSize);
        Assert.Equal(Loss.SparseCategoricalCrossEntropy, TorchConvNet.TrainingLoss);
        Assert.Equal(Loss.MeanSquaredError, TorchLeakyTanh.TrainingLoss);
        Assert.Equal(TorchMlp.ImportedParameters.ToArray(), new TorchMlp().Parameters);
    }

    [Fact]
    public void EachClassGivesPyTorchsOutputs()
    {
        (float[] x, float[] y) = Fixture("mlp");
        Close.Equal(y, PredictBatch(new TorchMlp(), x));
        (x, y) = Fixture("convnet");
        var conv = new TorchConvNet();
        var outputs = new float[y.Length];
        conv.PredictBatch(x, outputs);
        Close.Equal(y, outputs);
        (x, y) = Fixture("rgb");
        Close.Equal(y, PredictBatch(new TorchRgb(), x));
        (x, y) = Fixture("leaky_tanh");
        Close.Equal(y, PredictBatch(new TorchLeakyTanh(), x));
    }

    [Fact]
    public void PredictAndPredictClassAgreeWithTheBatch()
    {
        (float[] x, _) = Fixture("rgb");
        var model = new TorchRgb();
        var batch = new float[5 * TorchRgb.OutputSize];
        model.PredictBatch(x, batch);
        var one = new float[TorchRgb.OutputSize];
        var classes = new int[5];
        model.PredictClasses(x, classes);
        for (int s = 0; s < 5; s++)
        {
            model.Predict(x.AsSpan(s * TorchRgb.InputSize, TorchRgb.InputSize), one);
            Assert.Equal(batch.AsSpan(s * TorchRgb.OutputSize, TorchRgb.OutputSize).ToArray(), one);
            Assert.Equal(classes[s], model.PredictClass(x.AsSpan(s * TorchRgb.InputSize, TorchRgb.InputSize)));
        }
    }

    [Fact]
    public void AnImportTrainsFurther()
    {
        (float[] x, float[] y) = Fixture("convnet");
        int[] labels = [.. Enumerable.Range(0, 5).Select(s => Batch.ArgMax(y.AsSpan(s * 10, 10)))];
        // Train towards other labels than it predicts: the loss must fall.
        int[] targets = [.. labels.Select(l => (l + 1) % 10)];
        var model = new TorchConvNet();
        var workspace = model.CreateWorkspace(5);
        var optimizer = new Adam(1e-3f);
        float first = model.TrainStep(workspace, x, targets, optimizer);
        float last = first;
        for (int step = 0; step < 20; step++) last = model.TrainStep(workspace, x, targets, optimizer);
        Assert.True(last < first * 0.9f, $"loss {first} → {last}");
    }

    [Fact]
    public void SaveLoadAndExportOnnx()
    {
        using var folder = new TempFolder();
        var model = new TorchRgb(seed: 3); // random parameters, not the imported ones
        Assert.NotEqual(TorchRgb.ImportedParameters.ToArray(), model.Parameters);
        new TorchRgb().Save(folder.File("rgb.safetensors"));
        model.Load(folder.File("rgb.safetensors"));
        Assert.Equal(TorchRgb.ImportedParameters.ToArray(), model.Parameters);

        model.ExportOnnx(folder.File("rgb.onnx"));
        (float[] x, float[] y) = Fixture("rgb");
        // ModelGen's exporter declares the input channels-last.
        var nhwc = new float[x.Length];
        for (int s = 0; s < 5; s++)
            for (int c = 0; c < 3; c++)
                for (int p = 0; p < 256; p++)
                    nhwc[s * 768 + p * 3 + c] = x[s * 768 + c * 256 + p];
        Close.Equal(y, Ort.Run(File.ReadAllBytes(folder.File("rgb.onnx")), nhwc, [5, 16, 16, 3]));
        _ = OnnxExporter.OpsetVersion;
    }
}

/// <summary>A folder under the temp path, deleted with its files.</summary>
public sealed class TempFolder : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("modelgen-import-").FullName;

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
