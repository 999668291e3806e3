using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using ModelGen.Serialization;

namespace ModelGen.Data.Tests;

public sealed class SafeTensorsRoundTripTests : IDisposable
{
    private const string Spec = "input=3;Hidden=dense(4,relu);Output=dense(2,softmax);loss=sparse_categorical_crossentropy";

    // Tensors saved as stored (the factories' transpositions are tested in SafeTensorsPyTorchLayoutTests).
    private static readonly TensorLayout[] s_layout =
    [
        new("Hidden.weight", 0, 3, 4),
        new("Hidden.bias", 12, 4),
        new("Output.weight", 16, 4, 2),
        new("Output.bias", 24, 2),
    ];

    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    // Values that catch byte-order, precision and sign mistakes: -0, subnormals, extremes, and a pattern.
    private static float[] TestParameters(int count)
    {
        var values = new float[count];
        for (int i = 0; i < count; i++) values[i] = (i - 7) * 0.3f + 1f / (i + 3);
        values[1] = -0f;
        values[2] = float.Epsilon;
        values[3] = float.MaxValue;
        values[4] = float.MinValue;
        values[5] = 1e-30f;
        return values;
    }

    [Fact]
    public void Load_returns_exactly_the_saved_bits()
    {
        float[] saved = TestParameters(26);
        string path = _folder.File("model.safetensors");
        SafeTensors.Save(path, Spec, saved, s_layout);

        var loaded = new float[26];
        SafeTensors.Load(path, Spec, loaded, s_layout);

        Assert.Equal(saved.Select(BitConverter.SingleToInt32Bits), loaded.Select(BitConverter.SingleToInt32Bits));
    }

    [Fact]
    public void The_file_is_readable_by_an_independent_parser()
    {
        float[] saved = TestParameters(26);
        string path = _folder.File("model.safetensors");
        SafeTensors.Save(path, Spec, saved, s_layout);

        IndependentSafeTensorsReader.Content content = IndependentSafeTensorsReader.Read(path);

        Assert.Equal(0, content.HeaderLength % 8); // data section 8-byte aligned: 8 + N is a multiple of 8
        Assert.EndsWith("}", content.HeaderText.TrimEnd(' '));
        Assert.True(content.HeaderText.Length - content.HeaderText.TrimEnd(' ').Length < 8, "padding is fewer than 8 spaces");
        Assert.Equal(Spec, content.Metadata["modelgen.spec"]);
        Assert.Equal("pytorch", content.Metadata["modelgen.layout"]);
        Assert.Equal(26 * 4, content.DataLength);
        Assert.Equal(["Hidden.weight", "Hidden.bias", "Output.weight", "Output.bias"], content.Tensors.Keys);

        long expectedBegin = 0;
        foreach (TensorLayout layout in s_layout)
        {
            IndependentSafeTensorsReader.Tensor tensor = content.Tensors[layout.Name];
            Assert.Equal("F32", tensor.DType);
            Assert.Equal(layout.Shape.Select(d => (long)d), tensor.Shape);
            Assert.Equal(expectedBegin, tensor.Begin); // contiguous, in layout order
            expectedBegin = tensor.End;
            Assert.Equal(saved.Skip(layout.Offset).Take(layout.Length), tensor.Values);
        }
    }

    [Fact]
    public void A_one_tensor_file_has_exactly_the_bytes_of_the_format()
    {
        string path = _folder.File("tiny.safetensors");
        SafeTensors.Save(path, "s", [1f, -2f], [new TensorLayout("w", 0, 2)]);

        // Written out by hand from the format's description.
        const string json = """{"__metadata__":{"modelgen.spec":"s","modelgen.layout":"pytorch"},"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}""";
        int padded = (json.Length + 7) / 8 * 8;
        var expected = new List<byte>();
        expected.AddRange(BitConverter.GetBytes((ulong)padded)); // this machine is little-endian
        expected.AddRange(Encoding.UTF8.GetBytes(json.PadRight(padded)));
        expected.AddRange([0x00, 0x00, 0x80, 0x3F]); // 1.0f
        expected.AddRange([0x00, 0x00, 0x00, 0xC0]); // -2.0f
        Assert.True(BitConverter.IsLittleEndian);
        Assert.Equal(expected.ToArray(), File.ReadAllBytes(path));
    }

    [Fact]
    public void The_header_is_valid_json_padded_with_spaces()
    {
        string path = _folder.File("model.safetensors");
        SafeTensors.Save(path, Spec, TestParameters(26), s_layout);
        byte[] bytes = File.ReadAllBytes(path);

        long length = (long)BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        byte[] header = bytes.AsSpan(8, (int)length).ToArray();
        using JsonDocument document = JsonDocument.Parse(header); // throws if not JSON
        Assert.Equal(JsonValueKind.Object, document.RootElement.ValueKind);
        Assert.Equal((byte)'}', header.Reverse().First(b => b != (byte)' '));
        Assert.Equal(0, (8 + length) % 8);
    }

    [Fact]
    public void Tensors_map_to_their_offsets_even_when_the_layout_order_differs_from_the_buffer()
    {
        // The buffer holds b (2 values) at 5, a (2x2) at 0, and a value at 4 that belongs to no tensor.
        TensorLayout[] layout = [new("b", 5, 2), new("a", 0, 2, 2)];
        float[] saved = [1, 2, 3, 4, 99, 5, 6];
        string path = _folder.File("m.safetensors");
        SafeTensors.Save(path, "x", saved, layout);

        IndependentSafeTensorsReader.Content content = IndependentSafeTensorsReader.Read(path);
        Assert.Equal([5f, 6f], content.Tensors["b"].Values);
        Assert.Equal([1f, 2f, 3f, 4f], content.Tensors["a"].Values);
        Assert.Equal(0, content.Tensors["b"].Begin);

        float[] loaded = [-1, -1, -1, -1, -1, -1, -1];
        SafeTensors.Load(path, "x", loaded, layout);
        Assert.Equal([1f, 2f, 3f, 4f, -1f, 5f, 6f], loaded); // element 4 is in no tensor: untouched
    }

    [Fact]
    public void Save_creates_missing_folders_and_replaces_an_existing_file()
    {
        string path = Path.Combine(_folder.Path, "a", "b", "model.safetensors");
        SafeTensors.Save(path, Spec, new float[26], s_layout);
        float[] second = TestParameters(26);
        SafeTensors.Save(path, Spec, second, s_layout);

        var loaded = new float[26];
        SafeTensors.Load(path, Spec, loaded, s_layout);
        Assert.Equal(second, loaded);
        Assert.Equal(["model.safetensors"], Directory.GetFiles(Path.GetDirectoryName(path)!).Select(Path.GetFileName));
    }

    [Fact]
    public void ReadMetadata_tells_which_network_a_file_holds()
    {
        string path = _folder.File("model.safetensors");
        SafeTensors.Save(path, Spec, TestParameters(26), s_layout);

        IReadOnlyDictionary<string, string> metadata = SafeTensors.ReadMetadata(path);
        Assert.Equal(Spec, metadata["modelgen.spec"]);
        Assert.Equal("pytorch", metadata["modelgen.layout"]);
        Assert.Equal(2, metadata.Count);
        Assert.Equal(Spec, SafeTensors.ReadSpec(path));
    }

    [Fact]
    public void Specs_with_json_special_characters_survive()
    {
        const string spec = "input=2;\"quoted\"=dense(1,leaky_relu(0.01));<&>+é";
        string path = _folder.File("model.safetensors");
        SafeTensors.Save(path, spec, [0.5f, 0.25f, 1f], [new TensorLayout("w", 0, 2, 1), new TensorLayout("b", 2, 1)]);

        Assert.Equal(spec, IndependentSafeTensorsReader.Read(path).Metadata["modelgen.spec"]);
        var loaded = new float[3];
        SafeTensors.Load(path, spec, loaded, [new TensorLayout("w", 0, 2, 1), new TensorLayout("b", 2, 1)]);
        Assert.Equal([0.5f, 0.25f, 1f], loaded);
    }
}
