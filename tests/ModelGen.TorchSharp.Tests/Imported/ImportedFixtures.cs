using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using ModelGen.ReferenceTests.Models;

namespace ModelGen.ReferenceTests.Imported;

/// <summary>
/// The imported fixtures the twin tests cover, each with its generated class (trained weights from the .onnx file),
/// and the batches they run on: the fixture's own inputs (tests/fixtures/pytorch/&lt;name&gt;.input.bin, 5 samples
/// in the layout the file declares) followed by synthetic samples drawn like them.
/// </summary>
public static class ImportedFixtures
{
    /// <summary>Samples per batch: the fixture's 5, then synthetic ones.</summary>
    public const int BatchSize = 16;

    // Per fixture: the generated class, one sample's shape as the .onnx file declares it, and whether it is a classifier.
    private static readonly Dictionary<string, (Func<IConvModel> Create, long[] InputShape, bool IsClassifier)> s_fixtures = new()
    {
        ["mlp"] = (() => GeneratedModelAdapter.For(new ImportedMlp()), [784], true),
        ["convnet"] = (() => GeneratedModelAdapter.For(new ImportedConvNet()), [1, 28, 28], true),
        ["same_stride2"] = (() => GeneratedModelAdapter.For(new ImportedSameStride2()), [1, 28, 28], true),
        ["leaky_tanh"] = (() => GeneratedModelAdapter.For(new ImportedLeakyTanh()), [20], false),
        ["rgb"] = (() => GeneratedModelAdapter.For(new ImportedRgb()), [3, 16, 16], true),
        ["matmul_add"] = (() => GeneratedModelAdapter.For(new ImportedMatMulAdd()), [784], true),
    };

    /// <summary>tests/fixtures/pytorch.</summary>
    public static string Folder { get; } = FindFolder();

    /// <summary>Every fixture name, for theories.</summary>
    public static TheoryData<string> Names() => new(s_fixtures.Keys);

    /// <summary>A new instance of the fixture's generated class, with the file's trained parameters.</summary>
    public static IConvModel Create(string fixture) => s_fixtures[fixture].Create();

    /// <summary>[n, ...] as the .onnx file declares its input (NCHW for images).</summary>
    public static long[] InputShape(string fixture, int n) => [n, .. s_fixtures[fixture].InputShape];

    /// <summary>The fixture's reference inputs and PyTorch's outputs for them (raw little-endian float32).</summary>
    public static (float[] Inputs, float[] Outputs) Reference(string fixture) => (ReadFloats(fixture + ".input.bin"), ReadFloats(fixture + ".output.bin"));

    /// <summary>
    /// The fixture's inputs, then synthetic samples like them (uniform in [0, 1) as make_fixtures.py draws images and
    /// pixel rows; standard normal for the regressor), with labels uniform over the classes or targets uniform in [-1, 1).
    /// </summary>
    public static ReferenceBatch Batch(string fixture, IModel model, ulong seed)
    {
        (float[] reference, _) = Reference(fixture);
        int inputSize = model.InputSize, outputSize = model.OutputSize;
        Assert.Equal(s_fixtures[fixture].InputShape.Aggregate(1L, (a, b) => a * b), inputSize);
        Assert.Equal(0, reference.Length % inputSize);
        var random = new Xoshiro256StarStar(seed);
        var inputs = new float[BatchSize * inputSize];
        reference.CopyTo(inputs, 0);
        bool normal = fixture == "leaky_tanh";
        for (int i = reference.Length; i < inputs.Length; i++)
        {
            inputs[i] = normal
                ? (float)(Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble()))
                : random.NextSingle();
        }
        if (s_fixtures[fixture].IsClassifier)
            return new ReferenceBatch(BatchSize, inputs, [.. Enumerable.Range(0, BatchSize).Select(_ => random.NextInt32(outputSize))], null);
        var targets = new float[BatchSize * outputSize];
        for (int i = 0; i < targets.Length; i++) targets[i] = 2f * random.NextSingle() - 1f;
        return new ReferenceBatch(BatchSize, inputs, null, targets);
    }

    private static float[] ReadFloats(string file)
    {
        byte[] bytes = File.ReadAllBytes(Path.Combine(Folder, file));
        var values = new float[bytes.Length / 4];
        for (int i = 0; i < values.Length; i++) values[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(i * 4));
        return values;
    }

    private static string FindFolder([CallerFilePath] string here = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(here)!, "..", "..", "fixtures", "pytorch"));
}
