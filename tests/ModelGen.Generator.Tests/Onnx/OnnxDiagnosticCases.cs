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

    private const string Valid = """
        using ModelGen;

        [OnnxModel("models/net.onnx")]
        public partial class Net;
        """;

    /// <summary>A graph whose input is an NCHW image x.</summary>
    private static OnnxBuilder Image(int channels, int height, int width) => new OnnxBuilder().Input("x", null, channels, height, width);

    /// <summary>Flatten and Gemm to 2 classes after <paramref name="input"/> (<paramref name="size"/> values per sample), the graph's output; the file's bytes.</summary>
    private static byte[] Head(this OnnxBuilder builder, string input, int size) => builder
        .Node("Flatten", [input], ["flat"], "flatten").Initializer("fc.weight", [2, size], new float[2 * size])
        .Node("Gemm", ["flat", "fc.weight"], ["y"], "fc", OnnxBuilder.IntAttr("transB", 1)).Output("y", null, 2).ToBytes();

    /// <summary>Conv (no bias) then BatchNormalization of its 2 channels, with these attributes, then the head.</summary>
    private static byte[] BatchNorm(byte[]? attribute = null, int scaleChannels = 2, float variance = 1f) => Image(1, 4, 4)
        .Initializer("conv.weight", [2, 1, 3, 3], new float[18]).Node("Conv", ["x", "conv.weight"], ["c"], "/conv/Conv")
        .Initializer("bn.weight", [scaleChannels], Enumerable.Repeat(1f, scaleChannels).ToArray()).Initializer("bn.bias", [2], new float[2])
        .Initializer("bn.running_mean", [2], new float[2]).Initializer("bn.running_var", [2], [variance, variance])
        .Node("BatchNormalization", ["c", "bn.weight", "bn.bias", "bn.running_mean", "bn.running_var"], ["n"], "/bn/BatchNormalization",
            attribute is null ? [] : [attribute])
        .Head("n", 8);

    /// <summary>Pad of the 2-channel input (pads [0, 0, 1, 1, 0, 0, 1, 1] unless given) then AveragePool 2×2 stride 2, then the head.</summary>
    private static byte[] PadThenPool(byte[]? attribute = null, float? value = null, long[]? pads = null)
    {
        long[] amounts = pads ?? [0, 0, 1, 1, 0, 0, 1, 1];
        var builder = Image(2, 4, 4).Int64Initializer("pads", [8], amounts);
        if (value is { } v) builder.Initializer("value", [], [v]);
        builder.Node("Pad", value is null ? ["x", "pads"] : ["x", "pads", "value"], ["p"], "pad", attribute is null ? [] : [attribute]);
        int channels = 2 + (int)amounts[1] + (int)amounts[5];
        return builder.Node("AveragePool", ["p"], ["a"], "pool", OnnxBuilder.IntsAttr("kernel_shape", 2, 2), OnnxBuilder.IntsAttr("strides", 2, 2))
            .Head("a", channels * 9);
    }

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
        ["UnsupportedOperator"] = Bytes("MG0033", () => Image(2, 4, 4).Node("LRN", ["x"], ["l"], "lrn", OnnxBuilder.IntAttr("size", 3)).Head("l", 32),
            "an LRN node (local response normalization) before a Flatten and a Gemm"),
        ["ConvDilation2"] = Bad("MG0034", "conv_dilation2"),
        ["GroupedConv"] = Bytes("MG0034", () => Image(4, 4, 4).Initializer("conv.weight", [4, 2, 3, 3], new float[72])
            .Node("Conv", ["x", "conv.weight"], ["c"], "conv", OnnxBuilder.IntAttr("group", 2)).Head("c", 16),
            "a Conv with group 2 on 4 channels (neither 1 nor the channels: a grouped, not depthwise, convolution)"),
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

        // ---------------------------------------------------------------- graph operators used in ways ModelGen does not import
        ["DepthwiseWeightsShape"] = Bytes("MG0035", () => Image(2, 4, 4).Initializer("dw.weight", [2, 2, 3, 3], new float[36])
            .Node("Conv", ["x", "dw.weight"], ["c"], "dw", OnnxBuilder.IntAttr("group", 2)).Head("c", 8),
            "a depthwise Conv (group 2 on 2 channels) whose weights are [2, 2, 3, 3] instead of [2·multiplier, 1, 3, 3]"),
        ["BatchNormTrainingMode"] = Bytes("MG0034", () => BatchNorm(OnnxBuilder.IntAttr("training_mode", 1)),
            "a BatchNormalization with training_mode 1"),
        ["BatchNormMomentum"] = Bytes("MG0034", () => BatchNorm(OnnxBuilder.FloatAttr("momentum", 1.5f)), "a BatchNormalization with momentum 1.5"),
        ["BatchNormEpsilon"] = Bytes("MG0034", () => BatchNorm(OnnxBuilder.FloatAttr("epsilon", 0f)), "a BatchNormalization with epsilon 0"),
        ["BatchNormScaleShape"] = Bytes("MG0035", () => BatchNorm(scaleChannels: 3), "a BatchNormalization of 2 channels whose scale has 3 values"),
        ["BatchNormNegativeVariance"] = Bytes("MG0035", () => BatchNorm(variance: -1f), "a BatchNormalization whose running variance is -1"),
        ["BatchNormOnNhwc"] = Bytes("MG0034", () => Image(2, 4, 4).Node("Transpose", ["x"], ["t"], "to_nhwc", OnnxBuilder.IntsAttr("perm", 0, 2, 3, 1))
            .Initializer("s", [4], [1, 1, 1, 1]).Initializer("b", [4], new float[4]).Initializer("m", [4], new float[4]).Initializer("v", [4], [1, 1, 1, 1])
            .Node("BatchNormalization", ["t", "s", "b", "m", "v"], ["n"], "bn").Node("Transpose", ["n"], ["u"], "to_nchw", OnnxBuilder.IntsAttr("perm", 0, 3, 1, 2))
            .Head("u", 32),
            "a BatchNormalization of an NHWC image (axis 1 is its height)"),
        ["AveragePoolCeilMode"] = Bytes("MG0034", () => Image(2, 4, 4)
            .Node("AveragePool", ["x"], ["p"], "pool", OnnxBuilder.IntsAttr("kernel_shape", 3, 3), OnnxBuilder.IntsAttr("strides", 2, 2), OnnxBuilder.IntAttr("ceil_mode", 1))
            .Head("p", 8), "an AveragePool with ceil_mode 1"),
        ["AveragePoolWithoutKernel"] = Bytes("MG0034", () => Image(2, 4, 4).Node("AveragePool", ["x"], ["p"], "pool").Head("p", 32),
            "an AveragePool without kernel_shape"),
        ["PadReflect"] = Bytes("MG0034", () => PadThenPool(OnnxBuilder.TextAttr("mode", "reflect")), "a Pad with mode reflect before an AveragePool"),
        ["PadWithOnes"] = Bytes("MG0034", () => PadThenPool(value: 1f), "a Pad of ones (constant_value 1) before an AveragePool"),
        ["PadOnChannels"] = Bytes("MG0034", () => PadThenPool(pads: [0, 1, 0, 0, 0, 1, 0, 0]), "a Pad of the channels (pads [0, 1, 0, 0, 0, 1, 0, 0])"),
        ["PadBeforeMaxPool"] = Bytes("MG0034", () => Image(2, 4, 4).Int64Initializer("pads", [8], [0, 0, 1, 1, 0, 0, 1, 1])
            .Node("Pad", ["x", "pads"], ["p"], "pad").Node("MaxPool", ["p"], ["m"], "pool", OnnxBuilder.IntsAttr("kernel_shape", 2, 2), OnnxBuilder.IntsAttr("strides", 2, 2))
            .Head("m", 18), "a zero Pad before a MaxPool (whose padding is −∞, not 0)"),
        ["PadIntoPoolThatExcludesPads"] = Bytes("MG0034", () => Image(2, 4, 4).Int64Initializer("pads", [8], [0, 0, 1, 1, 0, 0, 1, 1])
            .Node("Pad", ["x", "pads"], ["p"], "pad")
            .Node("AveragePool", ["p"], ["a"], "pool", OnnxBuilder.IntsAttr("kernel_shape", 3, 3), OnnxBuilder.IntsAttr("pads", 1, 1, 1, 1))
            .Head("a", 72), "a zero Pad before an AveragePool with pads of its own and count_include_pad 0 (two kinds of padding)"),
        ["PadWithComputedPads"] = Bytes("MG0034", () => Image(2, 4, 4).Node("Shape", ["x"], ["s"], "shape").Node("Pad", ["x", "s"], ["p"], "pad")
            .Node("AveragePool", ["p"], ["a"], "pool", OnnxBuilder.IntsAttr("kernel_shape", 2, 2), OnnxBuilder.IntsAttr("strides", 2, 2)).Head("a", 8),
            "a Pad whose pads are the input's shape (4 values, with the batch, which is known only at run time)"),
        ["ClipToOne"] = Bytes("MG0034", () => Image(2, 4, 4).Initializer("lo", [], [0f]).Initializer("hi", [], [1f])
            .Node("Clip", ["x", "lo", "hi"], ["c"], "clip").Head("c", 32), "a Clip(0, 1) (not ReLU6)"),
        ["ClipWithComputedBound"] = Bytes("MG0034", () => Image(2, 4, 4).Node("Relu", ["x"], ["r"], "relu").Node("Clip", ["x", "r"], ["c"], "clip").Head("c", 32),
            "a Clip whose min is a tensor computed from the input"),
        ["GlobalAveragePoolOfFeatures"] = Bytes("MG0034", () => new OnnxBuilder().Input("x", null, 6).Node("GlobalAveragePool", ["x"], ["g"], "gap").Head("g", 6),
            "a GlobalAveragePool of [N, 6]"),
        ["ReduceMeanOverChannels"] = Bytes("MG0034", () => Image(2, 4, 4).Node("ReduceMean", ["x"], ["r"], "mean", OnnxBuilder.IntsAttr("axes", 1), OnnxBuilder.IntAttr("keepdims", 0))
            .Head("r", 16), "a ReduceMean over axis 1 (the channels) of NCHW"),
        ["ReduceMeanOverEverything"] = Bytes("MG0034", () => Image(2, 4, 4).Node("ReduceMean", ["x"], ["r"], "mean", OnnxBuilder.IntAttr("keepdims", 0)).Head("r", 1),
            "a ReduceMean without axes (every axis, the batch too)"),
        ["ConcatAlongHeight"] = Bytes("MG0034", () => Image(2, 4, 4).Node("Relu", ["x"], ["r"], "relu")
            .Node("Concat", ["x", "r"], ["c"], "concat", OnnxBuilder.IntAttr("axis", 2)).Head("c", 64), "a Concat of two NCHW images along axis 2 (the height)"),
        ["ConcatOfDifferentSizes"] = Bytes("MG0034", () => Image(2, 4, 4)
            .Node("MaxPool", ["x"], ["m"], "pool", OnnxBuilder.IntsAttr("kernel_shape", 2, 2), OnnxBuilder.IntsAttr("strides", 2, 2))
            .Node("Concat", ["x", "m"], ["c"], "concat", OnnxBuilder.IntAttr("axis", 1)).Head("c", 40), "a Concat of a 4×4 image and a 2×2 one along the channels"),
        ["ConcatTwice"] = Bytes("MG0034", () => Image(2, 4, 4).Node("Concat", ["x", "x"], ["c"], "concat", OnnxBuilder.IntAttr("axis", 1)).Head("c", 64),
            "a Concat of the input with itself"),
        ["AddWithBroadcast"] = Bytes("MG0034", () => Image(2, 4, 4)
            .Node("MaxPool", ["x"], ["m"], "pool", OnnxBuilder.IntsAttr("kernel_shape", 2, 2), OnnxBuilder.IntsAttr("strides", 2, 2))
            .Node("Add", ["x", "m"], ["a"], "add").Head("a", 32), "an Add of [N, 2, 4, 4] and [N, 2, 2, 2] (broadcasting)"),
        ["AddOfAConstant"] = Bytes("MG0034", () => Image(2, 4, 4).Initializer("shift", [2, 4, 4], new float[32])
            .Node("Add", ["x", "shift"], ["a"], "add").Head("a", 32), "an Add of the input and an initializer (no MatMul before it)"),
        ["AddToItself"] = Bytes("MG0034", () => Image(2, 4, 4).Node("Add", ["x", "x"], ["a"], "add").Head("a", 32), "an Add of the input and itself"),
        ["UnusedBranch"] = Bytes("MG0034", () => Image(2, 4, 4).Initializer("w", [3, 2, 1, 1], new float[6])
            .Node("Conv", ["x", "w"], ["unused"], "dead_end").Head("x", 32), "a Conv whose output nothing reads, before the Flatten and Gemm of the output"),
        ["OutputBeforeTheLastNode"] = Bytes("MG0036", () => Image(2, 4, 4)
            .Node("Flatten", ["x"], ["flat"], "flatten").Initializer("fc.weight", [2, 32], new float[64])
            .Node("Gemm", ["flat", "fc.weight"], ["y"], "fc", OnnxBuilder.IntAttr("transB", 1)).Output("y", null, 2)
            .Initializer("w", [3, 2, 1, 1], new float[6]).Node("Conv", ["x", "w"], ["unused"], "dead_end").ToBytes(),
            "the Gemm of the output, then a Conv whose output nothing reads"),

        // ---------------------------------------------------------------- graphs that import, for contrast
        ["GroupedConvIsDepthwise"] = new(Valid, () => File(System.IO.File.ReadAllBytes(Path.Combine(BadFolder(), "conv_grouped.onnx"))),
            "tests/fixtures/pytorch/bad/conv_grouped.onnx: group 2 on 2 channels is a depthwise convolution (multiplier 2), which ModelGen imports"),
        ["BatchNormOfFeatures"] = new(Valid, () => File(System.IO.File.ReadAllBytes(Path.Combine(BadFolder(), "unsupported_op.onnx"))),
            "tests/fixtures/pytorch/bad/unsupported_op.onnx: a BatchNormalization of [N, 8] after a Gemm, which ModelGen imports"),

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
