using System.Globalization;
using ModelGen.Generator.Tests.Harness;
using ModelGen.Tests.OnnxFiles;

namespace ModelGen.Generator.Tests.Onnx;

/// <summary>
/// Imports read and write numbers in the invariant culture: under a culture whose negative sign is U+2212
/// (Swedish), messages and the generated parameter literals are the same as everywhere else.
/// </summary>
public sealed class OnnxInvariantCultureTests
{
    private static (string Message, string Parameters) Run()
    {
        byte[] badReshape = new OnnxBuilder().Input("x", null, 16)
            .Int64Initializer("shape", [4], [-1, 1, 4, 4]).Node("Reshape", ["x", "shape"], ["i"], "reshape")
            .Initializer("w", [2, 16], new float[32]).Node("Gemm", ["i", "w"], ["y"], "fc", OnnxBuilder.IntAttr("transB", 1)).Output("y", null, 2).ToBytes();
        GeneratorRun bad = GeneratorHarness.Run(OnnxFiles.Encoded(badReshape, "models/net.onnx"),
            "using ModelGen; [OnnxModel(\"models/net.onnx\")] public partial class Net;");
        GeneratorRun good = GeneratorHarness.Run(OnnxFiles.Encoded(TestNetworks.TorchMlp(inputs: 5, hidden: 3, outputs: 2).ToBytes(), "models/net.onnx"),
            "using ModelGen; [OnnxModel(\"models/net.onnx\")] public partial class Net;");
        GeneratorAssert.CompilesCleanly(good);
        return (Assert.Single(bad.GeneratorDiagnostics).GetMessage(CultureInfo.InvariantCulture), good.GeneratedFiles.Single(f => f.HintName == "Net.Parameters.g.cs").Text);
    }

    [Fact]
    public void NumbersIgnoreTheCurrentCulture()
    {
        var (message, parameters) = Run();
        CultureInfo saved = CultureInfo.CurrentCulture, savedUi = CultureInfo.CurrentUICulture;
        try
        {
            CultureInfo.CurrentCulture = CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo("sv-SE");
            Assert.NotEqual("-0.25", (-0.25).ToString(CultureInfo.CurrentCulture));
            var (swedishMessage, swedishParameters) = Run();
            Assert.Contains("to [-1, 1, 4, 4];", swedishMessage, StringComparison.Ordinal);
            Assert.Equal(message, swedishMessage);
            Assert.Equal(parameters, swedishParameters);
            Assert.Contains("-0.", swedishParameters, StringComparison.Ordinal);
        }
        finally
        {
            CultureInfo.CurrentCulture = saved;
            CultureInfo.CurrentUICulture = savedUi;
        }
    }
}
