using System.Buffers.Binary;
using System.Text;
using ModelGen.Serialization;

namespace ModelGen.Data.Tests;

/// <summary>
/// Files that must be refused, each built by hand to differ from a good file in one way, each with
/// the exact one-line error. A refused file must leave the model's parameters untouched.
/// </summary>
public sealed class SafeTensorsCorruptFileTests : IDisposable
{
    private const string Spec = "input=2;Hidden=dense(3,relu);loss=mean_squared_error";
    private const string Metadata = "\"__metadata__\":{\"modelgen.spec\":\"" + Spec + "\"}";
    private static readonly TensorLayout[] s_layout = [new("Hidden.weight", 0, 2, 3), new("Hidden.bias", 6, 3)];

    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private static string Weight(string dtype = "\"F32\"", string shape = "[2,3]", string offsets = "[0,24]") =>
        $"\"Hidden.weight\":{{\"dtype\":{dtype},\"shape\":{shape},\"data_offsets\":{offsets}}}";

    private static string Bias(string dtype = "\"F32\"", string shape = "[3]", string offsets = "[24,36]") =>
        $"\"Hidden.bias\":{{\"dtype\":{dtype},\"shape\":{shape},\"data_offsets\":{offsets}}}";

    private static string Good => "{" + Metadata + "," + Weight() + "," + Bias() + "}";

    // The 8-byte length (the header's real length unless overridden), the header, then `data`.
    private static byte[] Build(string header, float[]? data = null, ulong? length = null)
    {
        data ??= Enumerable.Range(1, 9).Select(i => i / 10f).ToArray();
        byte[] json = Encoding.UTF8.GetBytes(header);
        return BuildRaw(json, data, length);
    }

    private static byte[] BuildRaw(byte[] header, float[] data, ulong? length = null)
    {
        var file = new byte[8 + header.Length + 4 * data.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(file, length ?? (ulong)header.Length);
        header.CopyTo(file, 8);
        for (int i = 0; i < data.Length; i++) BinaryPrimitives.WriteSingleLittleEndian(file.AsSpan(8 + header.Length + 4 * i), data[i]);
        return file;
    }

    private void AssertRefused(byte[] file, string problem, string spec = Spec)
    {
        string path = _folder.Write("model.safetensors", file);
        AssertRefused(path, problem, spec);
    }

    private static void AssertRefused(string path, string problem, string spec = Spec)
    {
        float[] parameters = Enumerable.Repeat(7f, 9).ToArray();
        var error = Assert.Throws<ModelFileException>(() => SafeTensors.Load(path, spec, parameters, s_layout));
        Assert.Equal(path + ": " + problem, error.Message);
        Assert.Equal(path, error.Path);
        Assert.DoesNotContain('\n', error.Message);
        Assert.All(parameters, p => Assert.Equal(7f, p)); // nothing loaded from a refused file
    }

    [Fact]
    public void The_hand_built_good_file_loads()
    {
        // Each corrupt case below is this file with one thing changed, so this proves the builder right.
        string path = _folder.Write("model.safetensors", Build(Good));
        var parameters = new float[9];
        SafeTensors.Load(path, Spec, parameters, s_layout);
        Assert.Equal(Enumerable.Range(1, 9).Select(i => i / 10f), parameters);
    }

    [Fact]
    public void Empty_file() =>
        AssertRefused([], "the file is empty; a safetensors file starts with an 8-byte header length");

    [Fact]
    public void File_shorter_than_the_length_field() =>
        AssertRefused([1, 2, 3, 4, 5], "the file has only 5 bytes; a safetensors file starts with an 8-byte header length");

    [Fact]
    public void Header_length_zero() =>
        AssertRefused(Build(Good, length: 0), "the header length is 0, so there is no header");

    [Fact]
    public void Header_longer_than_the_file()
    {
        byte[] file = Build(Good);
        long follows = file.Length - 8;
        AssertRefused(Build(Good, length: (ulong)follows + 1), $"the header length is {follows + 1} bytes, but only {follows} bytes follow it");
    }

    [Fact]
    public void Absurd_header_length_in_a_tiny_file_allocates_nothing_big()
    {
        byte[] file = new byte[16];
        BinaryPrimitives.WriteUInt64LittleEndian(file, ulong.MaxValue);
        string path = _folder.Write("model.safetensors", file);

        (long bytes, Exception? error) = Allocations.Measure(() => SafeTensors.Load(path, Spec, new float[9], s_layout));
        Assert.Equal($"{path}: the header length is 18446744073709551615 bytes, but only 8 bytes follow it", Assert.IsType<ModelFileException>(error).Message);
        Assert.True(bytes < 1_000_000, $"allocated {bytes} bytes");
    }

    [Fact]
    public void Header_length_over_the_100_MB_limit_even_in_a_big_enough_file()
    {
        const long limit = 100L * 1024 * 1024;
        string path = _folder.File("big.safetensors");
        using (var stream = new FileStream(path, FileMode.CreateNew))
        {
            var field = new byte[8];
            BinaryPrimitives.WriteUInt64LittleEndian(field, limit + 8);
            stream.Write(field);
            stream.SetLength(8 + limit + 64); // sparse: nothing is actually written
        }

        (long bytes, Exception? error) = Allocations.Measure(() => SafeTensors.Load(path, Spec, new float[9], s_layout));
        Assert.Equal($"{path}: the header length is 104857608 bytes, more than the limit of 104857600", Assert.IsType<ModelFileException>(error).Message);
        Assert.True(bytes < 1_000_000, $"allocated {bytes} bytes");
    }

    [Fact]
    public void Header_not_utf8() =>
        AssertRefused(BuildRaw([(byte)'{', 0xFF, 0xFE, (byte)'}'], new float[9]), "the header is not valid UTF-8");

    [Fact]
    public void Header_not_json() =>
        AssertRefused(Build("{\"__metadata__\" 1}"), "the header is not valid JSON (line 1, byte 17)");

    [Fact]
    public void Header_not_json_on_a_later_line() =>
        AssertRefused(Build("{\n" + Metadata + ",\n" + Weight() + ",\n" + Bias() + ",\n}"), "the header is not valid JSON (line 5, byte 1)");

    [Fact]
    public void Header_json_array_not_object() =>
        AssertRefused(Build("[1,2,3]"), "the header is an array, not a JSON object");

    [Fact]
    public void Header_with_a_repeated_key() =>
        AssertRefused(Build("{" + Metadata + "," + Weight() + "," + Bias() + "," + Bias() + "}"), "the header has the key 'Hidden.bias' twice");

    [Fact]
    public void Missing_metadata_with_a_wrong_shape()
    {
        // Without metadata the file is read as a PyTorch state_dict: there is no spec, so the shapes decide.
        AssertRefused(Build("{" + Weight(shape: "[3,2]") + "," + Bias() + "}"), "tensor 'Hidden.weight' has shape [3, 2]; this model needs [2, 3]");
    }

    [Fact]
    public void Metadata_not_an_object() =>
        AssertRefused(Build("{\"__metadata__\":\"x\"," + Weight() + "," + Bias() + "}"), "__metadata__ is a string, not a JSON object");

    [Fact]
    public void Metadata_value_not_a_string() =>
        AssertRefused(Build("{\"__metadata__\":{\"modelgen.spec\":3}," + Weight() + "," + Bias() + "}"), "__metadata__ entry 'modelgen.spec' is a number, not a string");

    [Fact]
    public void ModelGen_metadata_without_spec() =>
        AssertRefused(Build("{\"__metadata__\":{\"modelgen.layout\":\"pytorch\"}," + Weight() + "," + Bias() + "}"), "__metadata__ has no modelgen.spec, so it does not say which network it holds");

    [Fact]
    public void Spec_of_another_network_shows_both()
    {
        const string other = "input=2;Hidden=dense(3,tanh);loss=mean_squared_error";
        AssertRefused(Build("{\"__metadata__\":{\"modelgen.spec\":\"" + other + "\"}," + Weight() + "," + Bias() + "}"),
            $"the file holds the network \"{other}\"; this model is \"{Spec}\"");
    }

    [Fact]
    public void Spec_with_control_characters_stays_on_one_line() =>
        AssertRefused(Build("{\"__metadata__\":{\"modelgen.spec\":\"a\\nb\"}," + Weight() + "," + Bias() + "}"),
            $"the file holds the network \"a\\u000ab\"; this model is \"{Spec}\"");

    [Fact]
    public void Missing_tensor() =>
        AssertRefused(Build("{" + Metadata + "," + Weight() + "}", data: new float[6]), "tensor 'Hidden.bias' is missing");

    [Fact]
    public void Extra_tensor() =>
        AssertRefused(Build("{" + Metadata + "," + Weight() + "," + Bias() + ",\"Hidden.scale\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[36,40]}}", data: new float[10]),
            "the file has a tensor 'Hidden.scale' that this model does not have");

    [Fact]
    public void Tensor_entry_not_an_object() =>
        AssertRefused(Build("{" + Metadata + ",\"Hidden.weight\":[0,24]," + Bias() + "}"), "tensor 'Hidden.weight' is an array, not a JSON object");

    [Fact]
    public void Wrong_dtype() =>
        AssertRefused(Build("{" + Metadata + "," + Weight(dtype: "\"F16\"", offsets: "[0,12]") + "," + Bias(offsets: "[12,24]") + "}", data: new float[6]),
            "tensor 'Hidden.weight' has dtype F16; only F32 is supported");

    [Fact]
    public void Missing_dtype() =>
        AssertRefused(Build("{" + Metadata + ",\"Hidden.weight\":{\"shape\":[2,3],\"data_offsets\":[0,24]}," + Bias() + "}"), "tensor 'Hidden.weight' has no dtype");

    [Fact]
    public void Wrong_shape() =>
        AssertRefused(Build("{" + Metadata + "," + Weight(shape: "[3,2]") + "," + Bias() + "}"), "tensor 'Hidden.weight' has shape [3, 2]; this model needs [2, 3]");

    [Fact]
    public void Shape_with_an_extra_dimension() =>
        AssertRefused(Build("{" + Metadata + "," + Weight() + "," + Bias(shape: "[1,3]") + "}"), "tensor 'Hidden.bias' has shape [1, 3]; this model needs [3]");

    [Fact]
    public void Shape_not_a_list_of_integers() =>
        AssertRefused(Build("{" + Metadata + "," + Weight(shape: "\"2x3\"") + "," + Bias() + "}"), "tensor 'Hidden.weight' has shape \"2x3\"; this model needs [2, 3]");

    [Fact]
    public void Offsets_not_two_integers() =>
        AssertRefused(Build("{" + Metadata + "," + Weight(offsets: "[0]") + "," + Bias() + "}"),
            "tensor 'Hidden.weight' has data_offsets [0]; they must be two non-negative integers [begin, end]");

    [Fact]
    public void Negative_offset() =>
        AssertRefused(Build("{" + Metadata + "," + Weight(offsets: "[-4,20]") + "," + Bias() + "}"),
            "tensor 'Hidden.weight' has data_offsets [-4,20]; they must be two non-negative integers [begin, end]");

    [Fact]
    public void Fractional_offset() =>
        AssertRefused(Build("{" + Metadata + "," + Weight(offsets: "[0,24.5]") + "," + Bias() + "}"),
            "tensor 'Hidden.weight' has data_offsets [0,24.5]; they must be two non-negative integers [begin, end]");

    [Fact]
    public void Offsets_ending_before_they_begin() =>
        AssertRefused(Build("{" + Metadata + "," + Weight(offsets: "[24,0]") + "," + Bias() + "}"),
            "tensor 'Hidden.weight' has data_offsets [24, 0], which end before they begin");

    [Fact]
    public void Offsets_of_the_wrong_byte_length() =>
        AssertRefused(Build("{" + Metadata + "," + Weight(offsets: "[0,20]") + "," + Bias() + "}"),
            "tensor 'Hidden.weight' has data_offsets [0, 20] (20 bytes); F32 of shape [2, 3] needs 24 bytes");

    [Fact]
    public void Offsets_beyond_the_data_section() =>
        AssertRefused(Build(Good, data: new float[8]),
            "tensor 'Hidden.bias' has data_offsets [24, 36], beyond the end of the 32-byte data section");

    [Fact]
    public void Huge_offsets() =>
        AssertRefused(Build("{" + Metadata + "," + Weight(offsets: "[9223372036854775000,9223372036854775024]") + "," + Bias() + "}"),
            "tensor 'Hidden.weight' has data_offsets [9223372036854775000, 9223372036854775024], beyond the end of the 36-byte data section");

    [Fact]
    public void Overlapping_offsets() =>
        AssertRefused(Build("{" + Metadata + "," + Weight() + "," + Bias(offsets: "[12,24]") + "}"),
            "tensors 'Hidden.weight' (data_offsets [0, 24]) and 'Hidden.bias' (data_offsets [12, 24]) overlap");

    [Fact]
    public void Gap_between_tensors() =>
        AssertRefused(Build("{" + Metadata + "," + Weight() + "," + Bias(offsets: "[28,40]") + "}", data: new float[10]),
            "bytes 24 to 28 of the data section belong to no tensor");

    [Fact]
    public void Trailing_bytes_after_the_last_tensor() =>
        AssertRefused(Build(Good, data: new float[10]), "the data section has 40 bytes, but the tensors end at byte 36");

    [Fact]
    public void NaN_value_names_tensor_and_index()
    {
        float[] data = Enumerable.Range(1, 9).Select(i => i / 10f).ToArray();
        data[4] = float.NaN; // weight element 4 of a [2, 3] tensor is row 1, column 1
        AssertRefused(Build(Good, data), "tensor 'Hidden.weight' has a NaN at index [1, 1]");
    }

    [Fact]
    public void Infinite_value_names_tensor_and_index()
    {
        float[] data = Enumerable.Range(1, 9).Select(i => i / 10f).ToArray();
        data[8] = float.NegativeInfinity; // the last bias
        AssertRefused(Build(Good, data), "tensor 'Hidden.bias' has an infinite value (-inf) at index [2]");
    }

    [Fact]
    public void Missing_file() =>
        AssertRefused(_folder.File("nothing.safetensors"), "the file does not exist");

    [Fact]
    public void ReadMetadata_refuses_a_corrupt_header()
    {
        string path = _folder.Write("model.safetensors", Build("[]"));
        var error = Assert.Throws<ModelFileException>(() => SafeTensors.ReadMetadata(path));
        Assert.Equal(path + ": the header is an array, not a JSON object", error.Message);
    }
}
