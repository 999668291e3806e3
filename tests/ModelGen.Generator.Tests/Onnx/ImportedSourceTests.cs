using ModelGen.Generator.Tests.Harness;
using ModelGen.Generator.Tests.Snapshots;
using ModelGen.Tests.OnnxFiles;

namespace ModelGen.Generator.Tests.Onnx;

/// <summary>
/// Snapshots of the code generated for imported models: an MLP as torch.onnx.export writes it, and a convnet
/// with NCHW input of three channels (the class copies its input channels-last), explicit pads, the view
/// chain and a Dropout; and a graph, PyTorch's MobileNetV2 block (tests/fixtures/pytorch/graph/mobilenet_v2_block.onnx:
/// BatchNormalization with its running statistics, a depthwise Conv, ReLU6 as Activation layers, a residual Add that
/// reads the input, ReduceMean as global average pooling); each with its second file, the trained parameters.
/// </summary>
public sealed class ImportedSourceTests
{
    private static string GraphFixture(string file, [System.Runtime.CompilerServices.CallerFilePath] string here = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(here)!, "..", "..", "fixtures", "pytorch", "graph", file));

    private static GeneratorRun Import(byte[] onnx)
    {
        GeneratorRun run = GeneratorHarness.Run(OnnxFiles.Encoded(onnx, "models/net.onnx"),
            """
            using ModelGen;

            namespace App;

            [OnnxModel("models/net.onnx")]
            public partial class Net;
            """);
        GeneratorAssert.CompilesCleanly(run);
        return run;
    }

    [Theory]
    [InlineData("Mlp")]
    [InlineData("ConvNet")]
    [InlineData("MobileNetV2Block")]
    public Task ImportedModel(string network)
    {
        byte[] onnx = network switch
        {
            "Mlp" => TestNetworks.TorchMlp(inputs: 6, hidden: 4, outputs: 3).ToBytes(),
            "ConvNet" => TestNetworks.TorchConvNet(channels: 3, classes: 5).ToBytes(),
            _ => File.ReadAllBytes(GraphFixture("mobilenet_v2_block.onnx")),
        };
        GeneratorRun run = Import(onnx);
        Assert.Equal(["App.Net.g.cs", "App.Net.Parameters.g.cs"], run.GeneratedFiles.Select(f => f.HintName));
        return Task.WhenAll(
            Snapshot.Verify(run.GeneratedFiles[0].Text, parameter: network),
            Snapshot.Verify(run.GeneratedFiles[1].Text, parameter: network + "Parameters"));
    }
}
