using ModelGen.OnnxImport.Tests.Harness;
using ModelGen.Tests.OnnxFiles;

namespace ModelGen.OnnxImport.Tests;

/// <summary>
/// Graphs written the way torch.onnx.export and tf2onnx write them: ONNX Runtime runs the file, the import
/// runs the compiled model, and the outputs agree within 1e-5 relative. The convnets take NCHW input, as the
/// files declare it, and have the view chain, a Flatten, explicit pads with stride 2 and a Dropout.
/// </summary>
public sealed class TorchStyleTests
{
    public static TheoryData<string> Networks => new(
        "TorchMlp", "TorchMlpOpset11", "TorchMlpRegressor", "Tf2OnnxMlp", "TorchConvNet", "TorchConvNetFlatten", "TorchConvNetOneChannel", "TorchConvNetOpset17", "TorchPoolThenRelu", "Tf2OnnxConvNet", "MatMulWithConstantBias");

    private static (OnnxBuilder Builder, long[] SampleShape) Network(string name) => name switch
    {
        "TorchMlp" => (TestNetworks.TorchMlp(inputs: 30, hidden: 20, outputs: 6), [30]),
        "TorchMlpOpset11" => (TestNetworks.TorchMlp(inputs: 30, hidden: 20, outputs: 6, opset: 11), [30]),
        "TorchMlpRegressor" => (TestNetworks.TorchMlp(inputs: 30, hidden: 20, outputs: 6, softmax: false), [30]),
        "Tf2OnnxMlp" => (TestNetworks.Tf2OnnxMlp(), [20]),
        "TorchConvNet" => (TestNetworks.TorchConvNet(), [3, 12, 10]),
        "TorchConvNetFlatten" => (TestNetworks.TorchConvNet(viewChain: false), [3, 12, 10]),
        "TorchConvNetOneChannel" => (TestNetworks.TorchConvNet(channels: 1), [1, 12, 10]),
        "TorchConvNetOpset17" => (TestNetworks.TorchConvNet(opset: 17), [3, 12, 10]),
        "TorchPoolThenRelu" => (TestNetworks.TorchPoolThenRelu(), [2, 12, 12]),
        "Tf2OnnxConvNet" => (TestNetworks.Tf2OnnxConvNet(), [9, 8, 2]),
        "MatMulWithConstantBias" => (TestNetworks.MatMulWithConstantBias(), [3]),
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    [Theory]
    [MemberData(nameof(Networks))]
    public void ImportMatchesOnnxRuntime(string network)
    {
        var (builder, sampleShape) = Network(network);
        byte[] onnx = builder.ToBytes();
        ImportedModel imported = ImportCompiler.Compile(onnx);
        int inputSize = (int)sampleShape.Aggregate(1L, (a, b) => a * b);
        Assert.Equal(inputSize, imported.InputSize);
        const int Batch = 5;
        float[] inputs = TestNetworks.Random(Batch * inputSize, 1234, 1f);

        float[] expected = Ort.Run(onnx, inputs, [Batch, .. sampleShape]);

        Close.Equal(expected, imported.PredictBatch(inputs));
        Close.Equal(expected, imported.PredictEach(inputs));
        Close.Equal(expected, imported.Forward(inputs));
    }

    [Fact]
    public void TheImportsOwnExportRunsInOnnxRuntimeAlike()
    {
        byte[] onnx = TestNetworks.TorchConvNet().ToBytes();
        ImportedModel imported = ImportCompiler.Compile(onnx);
        string path = Path.Combine(Path.GetTempPath(), "modelgen-reexport-" + Guid.NewGuid().ToString("N") + ".onnx");
        try
        {
            imported.ExportOnnx(path);
            float[] nchw = TestNetworks.Random(4 * 360, 5, 1f);
            // ModelGen's exporter writes channels-last input: transpose the same samples to [N, H, W, C].
            var nhwc = new float[nchw.Length];
            for (int s = 0; s < 4; s++)
                for (int c = 0; c < 3; c++)
                    for (int p = 0; p < 120; p++)
                        nhwc[s * 360 + p * 3 + c] = nchw[s * 360 + c * 120 + p];
            Close.Equal(Ort.Run(onnx, nchw, [4, 3, 12, 10]), Ort.Run(File.ReadAllBytes(path), nhwc, [4, 12, 10, 3]));
        }
        finally
        {
            File.Delete(path);
        }
    }
}
