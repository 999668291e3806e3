using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using ModelGen.OnnxImport.Tests.Harness;
using ModelGen.OnnxImport.Tests.Models;
using ModelGen.Tests.OnnxFiles;

namespace ModelGen.OnnxImport.Tests;

/// <summary>
/// A layer the file gives no bias (nn.Conv2d(bias=False) exports a Conv with two inputs, nn.Linear(bias=False) a Gemm
/// without C, and a MatMul may have no Add after it) has none in the import either: its b stays 0 through training (its
/// gradient is 0), and Save writes only the tensors PyTorch's state_dict has, so the file loads into PyTorch's model and
/// PyTorch's state_dict loads here. (Before, the import gave such a layer a trainable zero bias: the first optimizer
/// step moved it away from PyTorch's model, and Save wrote a tensor PyTorch's strict load_state_dict refuses.)
/// </summary>
public sealed class BiasFreeLayerTests
{
    [Fact]
    public void AConvWithoutBiasStaysWithoutOneThroughTraining()
    {
        (float[] x, float[] y) = (Fixtures.ReadFloats("same_stride2.input.bin"), Fixtures.ReadFloats("same_stride2.output.bin"));
        int[] labels = [.. Enumerable.Range(0, 5).Select(s => (Batch.ArgMax(y.AsSpan(s * 10, 10)) + 1) % 10)];
        var model = new TorchSameStride2();
        float[] before = model.features_2Weights.ToArray();
        var workspace = model.CreateWorkspace(5);
        var adam = new Adam(1e-3f);
        for (int step = 0; step < 3; step++) model.TrainStep(workspace, x, labels, adam);

        Assert.All(model.features_2BiasGradients.ToArray(), g => Assert.Equal(0f, g));
        Assert.All(model.features_2Biases.ToArray(), b => Assert.Equal(0f, b));
        Assert.NotEqual(before, model.features_2Weights.ToArray());
        Assert.Contains(model.features_0BiasGradients.ToArray(), g => g != 0f); // the layers with a bias train it

        using var folder = new TempFolder();
        model.Save(folder.File("trained.safetensors"));
        string[] pyTorchNames = ["features.0.bias", "features.0.weight", "features.2.weight", "features.6.bias", "features.6.weight"];
        Assert.Equal(pyTorchNames, TensorNames(folder.File("trained.safetensors")));
        var reloaded = new TorchSameStride2(seed: 4);
        reloaded.Load(folder.File("trained.safetensors"));
        Assert.Equal(model.Parameters, reloaded.Parameters);
        Assert.Contains("nobias", TorchSameStride2.Spec, StringComparison.Ordinal); // the spec says so: a file saved under the earlier spec (with its trained bias) is refused
    }

    [Fact]
    public void AGemmWithoutCAndAMatMulWithoutAddHaveNoBias()
    {
        // [N, 6] → Gemm(W [4, 6], transB = 1, no C) → Relu → MatMul(W [4, 3], no Add) → Softmax
        byte[] onnx = new OnnxBuilder()
            .Input("input", null, 6)
            .Initializer("fc1.weight", [4, 6], TestNetworks.Random(24, 31, 0.6f))
            .Initializer("head", [4, 3], TestNetworks.Random(12, 32, 0.6f))
            .Node("Gemm", ["input", "fc1.weight"], ["g"], "/fc1/Gemm", OnnxBuilder.IntAttr("transB", 1))
            .Node("Relu", ["g"], ["r"], "/relu/Relu")
            .Node("MatMul", ["r", "head"], ["m"], "/head/MatMul")
            .Node("Softmax", ["m"], ["output"], "/softmax/Softmax", OnnxBuilder.IntAttr("axis", 1))
            .Output("output", null, 3)
            .ToBytes();
        ImportedModel imported = ImportCompiler.Compile(onnx, harnessMembers: """
            public static float[][] Train(float[] inputs, int[] labels, int steps)
            {
                var model = new Net();
                var workspace = model.CreateWorkspace(labels.Length);
                var adam = new Adam(1e-2f);
                for (int step = 0; step < steps; step++) model.TrainStep(workspace, inputs, labels, adam);
                return new[] { model.Parameters, model.Gradients };
            }
            """);
        float[] inputs = TestNetworks.Random(8 * 6, 33, 1f);
        Close.Equal(Ort.Run(onnx, inputs, [8, 6]), imported.PredictBatch(inputs));

        int[] labels = [0, 1, 2, 0, 1, 2, 0, 1];
        var trained = (float[][])imported.Invoke("Train", inputs, labels, 5);
        float[] parameters = trained[0], gradients = trained[1], initial = imported.Parameters();
        // Layout: fc1 W [6, 4], fc1 b [4], head W [4, 3], head b [3].
        int[] biases = [.. Enumerable.Range(24, 4), .. Enumerable.Range(24 + 4 + 12, 3)];
        Assert.Equal(24 + 4 + 12 + 3, parameters.Length);
        Assert.All(biases, i => Assert.Equal(0f, parameters[i]));
        Assert.All(biases, i => Assert.Equal(0f, gradients[i]));
        Assert.NotEqual(initial.AsSpan(0, 24).ToArray(), parameters.AsSpan(0, 24).ToArray());
        Assert.NotEqual(initial.AsSpan(28, 12).ToArray(), parameters.AsSpan(28, 12).ToArray());

        using var folder = new TempFolder();
        imported.Save(folder.File("net.safetensors"));
        string[] weightsOnly = ["fc1.weight", "head.weight"];
        Assert.Equal(weightsOnly, TensorNames(folder.File("net.safetensors")));
        Assert.Equal(2, imported.Spec.Split("nobias").Length - 1);
    }

    private static string[] TensorNames(string path)
    {
        byte[] file = File.ReadAllBytes(path);
        long headerLength = BinaryPrimitives.ReadInt64LittleEndian(file);
        using JsonDocument header = JsonDocument.Parse(Encoding.UTF8.GetString(file, 8, (int)headerLength));
        return [.. header.RootElement.EnumerateObject().Select(p => p.Name).Where(n => n != "__metadata__").Order(StringComparer.Ordinal)];
    }
}
