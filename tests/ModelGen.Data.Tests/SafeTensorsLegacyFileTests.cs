using ModelGen.Serialization;
using Entry = ModelGen.Data.Tests.HandBuiltSafeTensors.Entry;

namespace ModelGen.Data.Tests;

/// <summary>
/// Files saved by ModelGen before it used PyTorch's layout (dense models only; weights [inputs, units] as
/// stored, metadata "modelgen.layout": "weights [inputs, units] row-major", or no layout in hand-made files)
/// still load, as stored; shapes that fit neither layout are refused saying what would fit.
/// </summary>
public sealed class SafeTensorsLegacyFileTests : IDisposable
{
    private const string Spec = "input=3;Hidden=dense(4,relu);Output=dense(4,softmax);loss=sparse_categorical_crossentropy";
    private const string OldLayout = "\"modelgen.layout\":\"weights [inputs, units] row-major\"";
    private const string OldMetadata = "{\"modelgen.spec\":\"" + Spec + "\"," + OldLayout + "}";

    // The output layer is square: its weights have the same shape in both layouts, so only the metadata can
    // say which one a file holds.
    private static readonly TensorLayout[] s_layout =
    [
        TensorLayout.Linear("Hidden.weight", 0, 3, 4),
        new("Hidden.bias", 12, 4),
        TensorLayout.Linear("Output.weight", 16, 4, 4),
        new("Output.bias", 32, 4),
    ];

    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private static float[] Parameters() => Enumerable.Range(0, 36).Select(i => i * 0.25f - 3f).ToArray();

    // The tensors as the old Save wrote them: each as stored, contiguous, in layout order.
    private static Entry[] AsStored(float[] p) =>
    [
        new("Hidden.weight", [3, 4], p[0..12]),
        new("Hidden.bias", [4], p[12..16]),
        new("Output.weight", [4, 4], p[16..32]),
        new("Output.bias", [4], p[32..36]),
    ];

    private string Write(byte[] file) => _folder.Write("model.safetensors", file);

    private void AssertRefused(byte[] file, string problem)
    {
        string path = Write(file);
        float[] parameters = Enumerable.Repeat(7f, 36).ToArray();
        var error = Assert.Throws<ModelFileException>(() => SafeTensors.Load(path, Spec, parameters, s_layout));
        Assert.Equal(path + ": " + problem, error.Message);
        Assert.All(parameters, p => Assert.Equal(7f, p));
    }

    [Theory]
    [InlineData(OldMetadata)]
    [InlineData("{\"modelgen.spec\":\"" + Spec + "\"}")]
    public void A_file_saved_before_the_PyTorch_layout_loads_as_stored(string metadata)
    {
        float[] parameters = Parameters();
        string path = Write(HandBuiltSafeTensors.Build(metadata, AsStored(parameters)));
        var loaded = new float[36];
        SafeTensors.Load(path, Spec, loaded, s_layout);
        Assert.Equal(parameters, loaded); // the square weights too: not transposed
    }

    [Fact]
    public void The_old_file_format_is_what_the_hand_builder_writes()
    {
        // The bytes the old Save wrote for one [2, 1] weight (from the old byte-exact test): the builder must match.
        const string json = """{"__metadata__":{"modelgen.spec":"s","modelgen.layout":"weights [inputs, units] row-major"},"w":{"dtype":"F32","shape":[2,1],"data_offsets":[0,8]}}""";
        byte[] built = HandBuiltSafeTensors.Build("{\"modelgen.spec\":\"s\"," + OldLayout + "}", new Entry("w", [2, 1], [1f, -2f]));
        int padded = (json.Length + 7) / 8 * 8;
        Assert.Equal((ulong)padded, BitConverter.ToUInt64(built, 0));
        Assert.Equal(json.PadRight(padded), System.Text.Encoding.UTF8.GetString(built, 8, padded));
        Assert.Equal(8 + padded + 8, built.Length);
    }

    [Fact]
    public void An_old_file_saved_again_is_in_PyTorchs_layout()
    {
        float[] parameters = Parameters();
        string path = Write(HandBuiltSafeTensors.Build(OldMetadata, AsStored(parameters)));
        var loaded = new float[36];
        SafeTensors.Load(path, Spec, loaded, s_layout);
        string again = _folder.File("again.safetensors");
        SafeTensors.Save(again, Spec, loaded, s_layout);

        IndependentSafeTensorsReader.Content content = IndependentSafeTensorsReader.Read(again);
        Assert.Equal("pytorch", content.Metadata["modelgen.layout"]);
        Assert.Equal([4L, 3L], content.Tensors["Hidden.weight"].Shape);
        Assert.Equal(parameters[0 * 4 + 2], content.Tensors["Hidden.weight"].Values[2 * 3 + 0]); // unit 2, input 0
        Assert.Equal(parameters[16 + 1 * 4 + 3], content.Tensors["Output.weight"].Values[3 * 4 + 1]); // unit 3, input 1
    }

    [Fact]
    public void An_old_file_with_a_PyTorch_shape_is_refused_saying_which_metadata_it_lacks()
    {
        Entry[] entries = AsStored(Parameters());
        entries[0] = entries[0] with { Shape = [4, 3] };
        AssertRefused(HandBuiltSafeTensors.Build(OldMetadata, entries),
            "tensor 'Hidden.weight' has shape [4, 3], PyTorch's layout, but the file's __metadata__ lacks \"modelgen.layout\": \"pytorch\"; add it to load the file");
    }

    [Fact]
    public void An_old_file_with_a_shape_of_neither_layout_is_refused_naming_both()
    {
        Entry[] entries = AsStored(Parameters());
        entries[0] = entries[0] with { Shape = [6, 2] };
        AssertRefused(HandBuiltSafeTensors.Build(OldMetadata, entries),
            "tensor 'Hidden.weight' has shape [6, 2]; this model needs [3, 4] in a file without \"modelgen.layout\" (as ModelGen saved before) or [4, 3] with \"modelgen.layout\": \"pytorch\"");
    }

    [Fact]
    public void A_NaN_in_an_old_file_is_reported_at_its_index_in_the_file()
    {
        Entry[] entries = AsStored(Parameters());
        entries[0].Values[6] = float.NaN; // [3, 4]: row 1, column 2
        AssertRefused(HandBuiltSafeTensors.Build(OldMetadata, entries), "tensor 'Hidden.weight' has a NaN at index [1, 2]");
    }
}
