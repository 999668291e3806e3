using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using Microsoft.CodeAnalysis;
using ModelGen.Generator.Tests.Harness;
using ModelGen.Tests.OnnxFiles;

namespace ModelGen.Generator.Tests.Onnx;

/// <summary>One case of the ONNX diagnostic corpus: marked source, the project's additional files, and what they are.</summary>
public sealed record OnnxCase(string Source, Func<ImmutableArray<AdditionalText>> Files, string Description);

/// <summary>
/// [OnnxModel] declarations and files that ModelGen cannot import: malformed files (empty, truncated, garbage,
/// damaged text copies), graphs outside what it supports (from tests/fixtures/pytorch/bad, made with
/// onnx.helper, and from <see cref="OnnxBuilder"/>), and declaration mistakes. Diagnostics are marked as in
/// the layer corpus: <c>{|MG0032:OnnxModel("models/net.onnx")|}</c>.
/// </summary>
public static class OnnxDiagnosticCases
{
    private const string Declaration = """
        using ModelGen;

        [{|ID:OnnxModel("models/net.onnx")|}]
        public partial class Net;
        """;

    private static string Marked(string id) => Declaration.Replace("ID", id, StringComparison.Ordinal);

    private static ImmutableArray<AdditionalText> File(byte[] bytes) => OnnxFiles.Encoded(bytes, "models/net.onnx");

    private static OnnxCase Bytes(string id, Func<byte[]> bytes, string description) => new(Marked(id), () => File(bytes()), description);

    private static OnnxCase Bad(string id, string fixture) =>
        new(Marked(id), () => File(System.IO.File.ReadAllBytes(Path.Combine(BadFolder(), fixture + ".onnx"))), "tests/fixtures/pytorch/bad/" + fixture + ".onnx");

    private static string BadFolder([CallerFilePath] string here = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(here)!, "..", "..", "fixtures", "pytorch", "bad"));

    private static byte[] Mlp() => TestNetworks.TorchMlp(inputs: 4, hidden: 3, outputs: 2).ToBytes();

    public static IReadOnlyDictionary<string, OnnxCase> All { get; } = new Dictionary<string, OnnxCase>
    {
        // ---------------------------------------------------------------- valid, for contrast
        ["ValidMlp"] = new("""
            using ModelGen;

            [OnnxModel("models/net.onnx")]
            public partial class Net;
            """, () => File(Mlp()), "a 4-3-2 MLP as torch.onnx.export writes it"),
        ["AsymmetricConvPadsImport"] = new("""
            using ModelGen;

            [OnnxModel("models/net.onnx")]
            public partial class Net;
            """, () => File(System.IO.File.ReadAllBytes(Path.Combine(BadFolder(), "conv_asymmetric_pads.onnx"))),
            "tests/fixtures/pytorch/bad/conv_asymmetric_pads.onnx: pads [0, 0, 1, 1] are explicit pads, which ModelGen imports"),

        // ---------------------------------------------------------------- not an ONNX file
        ["EmptyFile"] = Bytes("MG0032", () => [], "an empty file"),
        ["TruncatedInTheHeader"] = Bytes("MG0032", () => Mlp()[..3], "the MLP cut after 3 bytes"),
        ["TruncatedInTheGraph"] = Bytes("MG0032", () => Mlp()[..60], "the MLP cut after 60 bytes"),
        ["TruncatedByOneByte"] = Bytes("MG0032", () => Mlp()[..^1], "the MLP without its last byte"),
        ["ZipFile"] = Bytes("MG0032", () => [0x50, 0x4B, 0x03, 0x04, 0x14, 0x00, 0x00, 0x00], "the start of a zip file (e.g. a PyTorch .pt checkpoint)"),
        ["PngFile"] = Bytes("MG0032", () => [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A], "the start of a PNG file"),
        ["TextFile"] = Bytes("MG0032", () => "hello, world\n"u8.ToArray(), "a text file"),
        ["OverlongVarint"] = Bytes("MG0032", () => [0x08, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01], "a varint of 11 bytes"),
        ["AbsurdLength"] = Bytes("MG0032", () => [0x3A, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F, 0x00], "a graph field claiming 4 GB"),
        ["ProtobufWithoutGraph"] = Bytes("MG0032", () => [0x08, 0x07, 0x12, 0x03, 0x61, 0x62, 0x63], "a ModelProto with ir_version and producer_name only"),
        ["DamagedTextCopy"] = new(Marked("MG0032"), () =>
            [new InMemoryAdditionalText("/project/obj/modelgen/net.onnx.b64", "modelgen-onnx-base64 1\nmodels/net.onnx\n/project/models/net.onnx\n@@not base64@@\n")],
            "ModelGen's text copy in obj/ with its base64 damaged"),

        // ---------------------------------------------------------------- graphs ModelGen does not import (PyTorch fixtures)
        ["UnsupportedOperator"] = Bad("MG0033", "unsupported_op"),
        ["ConvDilation2"] = Bad("MG0034", "conv_dilation2"),
        ["GroupedConv"] = Bad("MG0034", "conv_grouped"),
        ["MissingInitializer"] = Bad("MG0035", "missing_initializer"),
        ["ShapeMismatch"] = Bad("MG0035", "shape_mismatch"),
        ["ExternalData"] = Bad("MG0035", "external_data"),
        ["SoftmaxOverTheBatch"] = Bad("MG0034", "softmax_axis0"),
        ["TwoInputs"] = Bad("MG0036", "two_inputs"),
        ["TwoOutputs"] = Bad("MG0036", "two_outputs"),
        ["MaxPoolCeilMode"] = Bad("MG0034", "maxpool_ceil_mode"),
        ["GemmTransA"] = Bad("MG0034", "gemm_transA"),
        ["Opset9"] = Bad("MG0036", "opset9"),
        ["Opset22"] = Bad("MG0036", "opset22"),
        ["Int64Input"] = Bad("MG0036", "int64_input"),

        // ---------------------------------------------------------------- more graphs, written here
        ["ActivationFirst"] = new("""
            using ModelGen;

            [OnnxModel("models/net.onnx")]
            public partial class Net;
            """, () => File(new OnnxBuilder().Input("x", null, 4)
            .Node("Relu", ["x"], ["r"], "relu").Initializer("w", [2, 4], new float[8])
            .Node("Gemm", ["r", "w"], ["y"], "fc", OnnxBuilder.IntAttr("transB", 1)).Output("y", null, 2).ToBytes()),
            "a Relu before any Gemm: an Activation layer of its own, which ModelGen imports"),
        ["ReshapeToAnImage"] = Bytes("MG0034", () => new OnnxBuilder().Input("x", null, 16)
            .Int64Initializer("shape", [4], [-1, 1, 4, 4]).Node("Reshape", ["x", "shape"], ["i"], "reshape")
            .Initializer("w", [2, 16], new float[32]).Node("Gemm", ["i", "w"], ["y"], "fc", OnnxBuilder.IntAttr("transB", 1)).Output("y", null, 2).ToBytes(),
            "a Reshape of [N, 16] to [N, 1, 4, 4]"),
        ["ChannelsFirstImageOutput"] = Bytes("MG0036", () => new OnnxBuilder().Input("x", null, 1, 5, 5)
            .Initializer("w", [2, 1, 3, 3], new float[18]).Node("Conv", ["x", "w"], ["y"], "conv").Output("y", null, 2, 3, 3).ToBytes(),
            "a Conv whose [N, 2, 3, 3] output is the graph's output"),
        ["Float16Weights"] = Bytes("MG0035", () => new OnnxBuilder().Input("x", null, 2)
            .RawInitializer(new OnnxBuilder.Proto().PackedInt64s(1, [1, 2]).Varint(2, 10).Text(8, "w").Bytes(9, new byte[4]).ToArray())
            .Node("Gemm", ["x", "w"], ["y"], "fc", OnnxBuilder.IntAttr("transB", 1)).Output("y", null, 1).ToBytes(),
            "a Gemm whose weights are float16"),
        ["NoTrainableLayer"] = Bytes("MG0036", () => new OnnxBuilder().Input("x", null, 4).Node("Identity", ["x"], ["y"], "id").Output("y", null, 4).ToBytes(),
            "a graph of one Identity node"),

        // ---------------------------------------------------------------- the declaration and the project
        ["NotInAdditionalFiles"] = new(Marked("MG0030"), () => [], "no additional files at all"),
        ["OtherFileInAdditionalFiles"] = new(Marked("MG0030"), () => OnnxFiles.Encoded(Mlp(), "models/other.onnx"), "only models/other.onnx is listed"),
        ["TargetsNotImported"] = new(Marked("MG0031"), () => [new InMemoryAdditionalText("/project/models/net.onnx", "\u0008\u0007\uFFFD")],
            "models/net.onnx is listed but ModelGen.targets did not encode it (only the raw file reaches the generator)"),
        ["TwoFilesMatch"] = new("""
            using ModelGen;

            [{|MG0038:OnnxModel("net.onnx")|}]
            public partial class Net;
            """, () => [OnnxFiles.Encode(Mlp(), "a/net.onnx"), OnnxFiles.Encode(Mlp(), "b/net.onnx")], "a/net.onnx and b/net.onnx"),
        ["NotPartial"] = new("""
            using ModelGen;

            [OnnxModel("models/net.onnx")]
            public class {|MG0001:Net|};
            """, () => File(Mlp()), "the MLP"),
        ["Struct"] = new("""
            using ModelGen;

            [OnnxModel("models/net.onnx")]
            public partial struct {|MG0013:Net|};
            """, () => File(Mlp()), "the MLP"),
        ["AlsoDeclaresLayers"] = new("""
            using ModelGen;

            [OnnxModel("models/net.onnx"), {|MG0037:Input(4)|}, {|MG0037:Dense(2)|}]
            public partial class Net;
            """, () => File(Mlp()), "the MLP"),
        ["EmptyPath"] = new("""
            using ModelGen;

            [{|MG0010:OnnxModel("")|}]
            public partial class Net;
            """, () => File(Mlp()), "the MLP"),
        ["MemberNamedLikeAGeneratedOne"] = new("""
            using ModelGen;

            [{|MG0018:OnnxModel("models/net.onnx")|}]
            public partial class Net
            {
                public int ImportedParameters;
            }
            """, () => File(Mlp()), "the MLP"),
    };
}
