using ModelGen.Generator.Tests.Harness;
using ModelGen.Tests.OnnxFiles;

namespace ModelGen.Generator.Tests.Onnx;

/// <summary>Imports of the test networks generate code that compiles without a diagnostic.</summary>
public sealed class ImportSmokeTests
{
    public static TheoryData<string> Networks => new("TorchMlp", "TorchMlpOpset11", "Tf2OnnxMlp", "TorchConvNet", "TorchConvNetFlatten", "TorchConvNetOneChannel", "MatMulWithConstantBias", "PoolThenRelu", "Tf2OnnxConvNet");

    public static byte[] Network(string name) => name switch
    {
        "TorchMlp" => TestNetworks.TorchMlp().ToBytes(),
        "TorchMlpOpset11" => TestNetworks.TorchMlp(opset: 11).ToBytes(),
        "Tf2OnnxMlp" => TestNetworks.Tf2OnnxMlp().ToBytes(),
        "TorchConvNet" => TestNetworks.TorchConvNet().ToBytes(),
        "TorchConvNetFlatten" => TestNetworks.TorchConvNet(viewChain: false).ToBytes(),
        "TorchConvNetOneChannel" => TestNetworks.TorchConvNet(channels: 1).ToBytes(),
        "PoolThenRelu" => TestNetworks.TorchPoolThenRelu().ToBytes(),
        "Tf2OnnxConvNet" => TestNetworks.Tf2OnnxConvNet().ToBytes(),
        "MatMulWithConstantBias" => TestNetworks.MatMulWithConstantBias().ToBytes(),
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    [Theory]
    [MemberData(nameof(Networks))]
    public void ImportCompilesCleanly(string network)
    {
        GeneratorRun run = GeneratorHarness.Run(OnnxFiles.Encoded(Network(network), "models/net.onnx"),
            """
            using ModelGen;
            namespace App;
            [OnnxModel("models/net.onnx")]
            public partial class Net;
            """);

        GeneratorAssert.CompilesCleanly(run);
        Assert.Equal(["App.Net.g.cs", "App.Net.Parameters.g.cs"], run.GeneratedFiles.Select(f => f.HintName));
    }
}
