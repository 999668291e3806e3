using System.Text.Json;
using ModelGen.OnnxImport.Tests.Harness;

namespace ModelGen.OnnxImport.Tests;

/// <summary>
/// The import of resnet_block_preserve (six BatchNormalization nodes, a projection shortcut) and PyTorch's state_dict
/// of the same model (resnet_block_preserve.safetensors, written by make_graph_fixtures.py): Save writes exactly that
/// state_dict's tensors (names, shapes, dtypes, values; num_batches_tracked is 0, which the .onnx file does not hold),
/// Load reads PyTorch's file strictly and then gives PyTorch's outputs, and what Save writes after that Load is
/// PyTorch's file tensor for tensor.
/// </summary>
public sealed class GraphStateDictTests
{
    private const string Members = """
        public static float[] LoadThenPredict(string path, float[] inputs)
        {
            var model = new Net();
            model.Load(path);
            var outputs = new float[inputs.Length / InputSize * OutputSize];
            model.PredictBatch(inputs, outputs);
            return outputs;
        }
        public static long[] LoadThenCounters(string path)
        {
            var model = new Net();
            model.Load(path);
            return model.Counters;
        }
        public static long[] Counters() => new Net().Counters;
        public static void LoadThenSave(string from, string to)
        {
            var model = new Net();
            model.Load(from);
            model.Save(to);
        }
        """;

    private static string Graph(string file) => Path.Combine(Fixtures.Folder, "graph", file);

    private static readonly Lazy<ImportedModel> Imported = new(() => ImportCompiler.Compile(File.ReadAllBytes(Graph("resnet_block_preserve.onnx")), harnessMembers: Members));

    private static Dictionary<string, GraphFixtureTests.SafeTensor> PyTorchStateDict() =>
        GraphFixtureTests.ReadSafeTensors(File.ReadAllBytes(Graph("resnet_block_preserve.safetensors")));

    [Fact]
    public void SaveWritesPyTorchsStateDict()
    {
        using var folder = new TempFolder();
        Imported.Value.Save(folder.File("model.safetensors"));
        var saved = GraphFixtureTests.ReadSafeTensors(File.ReadAllBytes(folder.File("model.safetensors")));
        var pytorch = PyTorchStateDict();

        Assert.Equal(pytorch.Keys.Order(StringComparer.Ordinal), saved.Keys.Order(StringComparer.Ordinal));
        Assert.Contains("block2.shortcut.1.running_var", saved.Keys);
        foreach (var (name, tensor) in pytorch)
        {
            Assert.Equal(tensor.DType, saved[name].DType);
            Assert.Equal(tensor.Shape, saved[name].Shape);
            if (tensor.DType == "F32") Assert.Equal(tensor.Floats, saved[name].Floats); // bit for bit: the .onnx file holds the same values
            else Assert.Equal(0L, saved[name].Int64); // PyTorch's 5 steps are not in the .onnx file
        }
        Assert.Equal(new long[6], (long[])Imported.Value.Invoke("Counters"));
    }

    [Fact]
    public void LoadReadsPyTorchsStateDictAndGivesItsOutputs()
    {
        JsonElement model = Fixtures.Manifest("graph/manifest.json").GetProperty("models").GetProperty("resnet_block_preserve");
        (float[] inputs, float[] expected, _) = GraphImportTests.Samples(model);

        float[] outputs = (float[])Imported.Value.Invoke("LoadThenPredict", Graph("resnet_block_preserve.safetensors"), inputs);

        Close.Equal(expected, outputs, relative: 1e-5f, absolute: 1e-5f);
        Assert.Equal([5L, 5, 5, 5, 5, 5], (long[])Imported.Value.Invoke("LoadThenCounters", Graph("resnet_block_preserve.safetensors")));
    }

    [Fact]
    public void WhatLoadReadsSaveWritesBack()
    {
        using var folder = new TempFolder();
        Imported.Value.Invoke("LoadThenSave", Graph("resnet_block_preserve.safetensors"), folder.File("again.safetensors"));
        var again = GraphFixtureTests.ReadSafeTensors(File.ReadAllBytes(folder.File("again.safetensors")));
        var pytorch = PyTorchStateDict();

        Assert.Equal(pytorch.Keys.Order(StringComparer.Ordinal), again.Keys.Order(StringComparer.Ordinal));
        foreach (var (name, tensor) in pytorch)
        {
            Assert.Equal(tensor.Shape, again[name].Shape);
            Assert.Equal(tensor.Floats, again[name].Floats);
            Assert.Equal(tensor.Int64, again[name].Int64);
        }
        // And the file loads into a fresh model that then gives the same outputs.
        JsonElement model = Fixtures.Manifest("graph/manifest.json").GetProperty("models").GetProperty("resnet_block_preserve");
        (float[] inputs, float[] expected, _) = GraphImportTests.Samples(model);
        Close.Equal(expected, (float[])Imported.Value.Invoke("LoadThenPredict", folder.File("again.safetensors"), inputs), relative: 1e-5f, absolute: 1e-5f);
    }
}
