using ModelGen.Serialization;
using Entry = ModelGen.Data.Tests.HandBuiltSafeTensors.Entry;

namespace ModelGen.Data.Tests;

/// <summary>
/// Files hold PyTorch's state_dict layout: each factory's tensor is saved transposed, found by an
/// independent reader at the positions PyTorch's modules read, and loaded back into the exact buffer.
/// The expected PyTorch tensors are computed here with explicit loops, not with <see cref="TensorLayout"/>.
/// </summary>
public sealed class SafeTensorsPyTorchLayoutTests : IDisposable
{
    private const string Spec = "input=[3,2,3];Conv=conv2d(4,3x2,same,relu);Flat=flatten;Dense=dense(5,relu);Out=dense(3,softmax)";

    // A convolution with 3 input channels on a 3×2 image (Same padding keeps 3×2), a Flatten, two dense layers.
    private const int KH = 3, KW = 2, In = 3, Filters = 4;
    private const int H = 3, W = 2, Units = 5, Classes = 3;
    private const int ParameterCount = KH * KW * In * Filters + Filters + H * W * Filters * Units + Units + Units * Classes + Classes;

    private static readonly TensorLayout[] s_layout =
    [
        TensorLayout.Conv2D("Conv.weight", 0, KH, KW, In, Filters),
        new("Conv.bias", 72, Filters),
        TensorLayout.LinearAfterImage("Dense.weight", 76, H, W, Filters, Units),
        new("Dense.bias", 196, Units),
        TensorLayout.Linear("Out.weight", 201, Units, Classes),
        new("Out.bias", 216, Classes),
    ];

    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    // Distinct values everywhere, so a value in the wrong place cannot go unnoticed.
    private static float[] Parameters()
    {
        var values = new float[ParameterCount];
        for (int i = 0; i < values.Length; i++) values[i] = (i + 1) * 0.5f * (i % 3 == 0 ? -1 : 1);
        return values;
    }

    // nn.Conv2d.weight [out, in, kh, kw] from the stored [kh, kw, in, out].
    private static float[] TorchConv(float[] p)
    {
        var torch = new float[KH * KW * In * Filters];
        for (int o = 0; o < Filters; o++)
            for (int i = 0; i < In; i++)
                for (int y = 0; y < KH; y++)
                    for (int x = 0; x < KW; x++)
                        torch[((o * In + i) * KH + y) * KW + x] = p[((y * KW + x) * In + i) * Filters + o];
        return torch;
    }

    // nn.Linear.weight [units, C·H·W] with the input in NCHW flatten order, from the stored [H·W·C (h, w, c), units].
    private static float[] TorchDenseAfterImage(float[] p)
    {
        var torch = new float[H * W * Filters * Units];
        for (int u = 0; u < Units; u++)
            for (int c = 0; c < Filters; c++)
                for (int y = 0; y < H; y++)
                    for (int x = 0; x < W; x++)
                        torch[u * (Filters * H * W) + (c * H + y) * W + x] = p[76 + ((y * W + x) * Filters + c) * Units + u];
        return torch;
    }

    // nn.Linear.weight [units, inputs] from the stored [inputs, units].
    private static float[] TorchLinear(float[] p, int offset, int inputs, int units)
    {
        var torch = new float[inputs * units];
        for (int u = 0; u < units; u++)
            for (int i = 0; i < inputs; i++)
                torch[u * inputs + i] = p[offset + i * units + u];
        return torch;
    }

    private static Entry[] StateDict(float[] p) =>
    [
        new("Conv.weight", [Filters, In, KH, KW], TorchConv(p)),
        new("Conv.bias", [Filters], p[72..76]),
        new("Dense.weight", [Units, Filters * H * W], TorchDenseAfterImage(p)),
        new("Dense.bias", [Units], p[196..201]),
        new("Out.weight", [Classes, Units], TorchLinear(p, 201, Units, Classes)),
        new("Out.bias", [Classes], p[216..219]),
    ];

    private void AssertRefused(byte[] file, string problem)
    {
        string path = _folder.Write("model.safetensors", file);
        float[] parameters = Enumerable.Repeat(7f, ParameterCount).ToArray();
        var error = Assert.Throws<ModelFileException>(() => SafeTensors.Load(path, Spec, parameters, s_layout));
        Assert.Equal(path + ": " + problem, error.Message);
        Assert.All(parameters, p => Assert.Equal(7f, p)); // nothing loaded from a refused file
    }

    private float[] LoadFile(byte[] file)
    {
        string path = _folder.Write("model.safetensors", file);
        var loaded = new float[ParameterCount];
        SafeTensors.Load(path, Spec, loaded, s_layout);
        return loaded;
    }

    [Fact]
    public void Saved_files_hold_every_weight_in_PyTorchs_state_dict_layout()
    {
        float[] parameters = Parameters();
        string path = _folder.File("model.safetensors");
        SafeTensors.Save(path, Spec, parameters, s_layout);

        IndependentSafeTensorsReader.Content content = IndependentSafeTensorsReader.Read(path);
        Assert.Equal("pytorch", content.Metadata["modelgen.layout"]);
        Assert.Equal(Spec, content.Metadata["modelgen.spec"]);
        foreach (Entry expected in StateDict(parameters))
        {
            IndependentSafeTensorsReader.Tensor tensor = content.Tensors[expected.Name];
            Assert.Equal(expected.Shape.Select(d => (long)d), tensor.Shape);
            Assert.Equal(expected.Values, tensor.Values);
        }
    }

    [Fact]
    public void Load_gives_back_exactly_the_saved_buffer()
    {
        float[] parameters = Parameters();
        parameters[5] = -0f;
        parameters[80] = float.Epsilon;
        string path = _folder.File("model.safetensors");
        SafeTensors.Save(path, Spec, parameters, s_layout);

        var loaded = new float[ParameterCount];
        SafeTensors.Load(path, Spec, loaded, s_layout);
        Assert.Equal(parameters.Select(BitConverter.SingleToInt32Bits), loaded.Select(BitConverter.SingleToInt32Bits));
    }

    [Fact]
    public void A_dense_layer_after_a_flatten_computes_the_same_on_NCHW_inputs_with_the_saved_weights()
    {
        // What nn.Sequential(..., nn.Flatten(), nn.Linear) does with the file's weights on PyTorch's NCHW image
        // equals what ModelGen does with the stored weights on the same image channels-last.
        float[] parameters = Parameters();
        string path = _folder.File("model.safetensors");
        SafeTensors.Save(path, Spec, parameters, s_layout);
        float[] torchWeights = IndependentSafeTensorsReader.Read(path).Tensors["Dense.weight"].Values;

        var nhwc = new float[H * W * Filters];
        for (int i = 0; i < nhwc.Length; i++) nhwc[i] = MathF.Sin(i + 1);
        var nchw = new float[nhwc.Length];
        for (int c = 0; c < Filters; c++)
            for (int y = 0; y < H; y++)
                for (int x = 0; x < W; x++)
                    nchw[(c * H + y) * W + x] = nhwc[(y * W + x) * Filters + c];

        for (int u = 0; u < Units; u++)
        {
            double ours = 0, theirs = 0;
            for (int j = 0; j < nhwc.Length; j++)
            {
                ours += (double)nhwc[j] * parameters[76 + j * Units + u];
                theirs += (double)nchw[j] * torchWeights[u * nchw.Length + j];
            }
            Assert.Equal(ours, theirs, 1e-9);
        }
    }

    [Fact]
    public void A_convolution_computes_the_same_on_NCHW_inputs_with_the_saved_weights()
    {
        // One output position of the convolution, whose window covers a whole 3×2 patch: the sum over the
        // window of input · weight, channels-last with the stored kernel, then NCHW with the file's kernel.
        float[] parameters = Parameters();
        string path = _folder.File("model.safetensors");
        SafeTensors.Save(path, Spec, parameters, s_layout);
        float[] torchWeights = IndependentSafeTensorsReader.Read(path).Tensors["Conv.weight"].Values;

        var nhwc = new float[KH * KW * In];
        for (int i = 0; i < nhwc.Length; i++) nhwc[i] = MathF.Cos(i + 1);
        for (int o = 0; o < Filters; o++)
        {
            double ours = 0, theirs = 0;
            for (int y = 0; y < KH; y++)
                for (int x = 0; x < KW; x++)
                    for (int i = 0; i < In; i++)
                    {
                        float pixel = nhwc[(y * KW + x) * In + i];
                        ours += (double)pixel * parameters[((y * KW + x) * In + i) * Filters + o];
                        theirs += (double)pixel * torchWeights[((o * In + i) * KH + y) * KW + x];
                    }
            Assert.Equal(ours, theirs, 1e-9);
        }
    }

    [Theory]
    [InlineData(null)]
    [InlineData("{\"format\":\"pt\"}")]
    public void A_state_dict_saved_by_PyTorch_without_ModelGen_metadata_loads(string? metadata)
    {
        // safetensors.torch.save_file(model.state_dict(), path) writes no metadata, or what the caller passes.
        float[] parameters = Parameters();
        Assert.Equal(parameters, LoadFile(HandBuiltSafeTensors.Build(metadata, StateDict(parameters))));
    }

    [Fact]
    public void A_state_dict_in_another_tensor_order_loads()
    {
        float[] parameters = Parameters();
        Assert.Equal(parameters, LoadFile(HandBuiltSafeTensors.Build(null, StateDict(parameters).Reverse().ToArray())));
    }

    [Fact]
    public void A_state_dict_with_extra_tensors_is_refused_listing_them() =>
        AssertRefused(HandBuiltSafeTensors.Build(null,
            [.. StateDict(Parameters()), new("Norm.running_mean", [4], new float[4]), new("Norm.running_var", [4], new float[4])]),
            "the file has 2 tensors that this model does not have: 'Norm.running_mean', 'Norm.running_var'");

    [Fact]
    public void A_state_dict_with_other_names_is_refused_showing_the_names_it_has()
    {
        // nn.Sequential numbers its modules: the tensors are "0.weight", "0.bias", ...
        Entry[] numbered = StateDict(Parameters()).Select((e, i) => e with { Name = $"{i / 2}.{e.Name.Split('.')[1]}" }).ToArray();
        AssertRefused(HandBuiltSafeTensors.Build(null, numbered),
            "tensor 'Conv.weight' is missing; the file holds '0.weight', '0.bias', '1.weight', '1.bias', '2.weight' and 1 more (a state_dict must name its tensors after this model's layers)");
    }

    [Fact]
    public void A_state_dict_with_a_keras_layout_weight_is_refused_naming_pytorchs_shape()
    {
        Entry[] entries = StateDict(Parameters());
        entries[4] = new("Out.weight", [Units, Classes], entries[4].Values);
        AssertRefused(HandBuiltSafeTensors.Build(null, entries), "tensor 'Out.weight' has shape [5, 3]; this model needs [3, 5] (PyTorch's layout)");
    }

    [Fact]
    public void A_pytorch_layout_file_with_a_stored_layout_conv_kernel_is_refused()
    {
        Entry[] entries = StateDict(Parameters());
        entries[0] = new("Conv.weight", [KH, KW, In, Filters], entries[0].Values);
        AssertRefused(HandBuiltSafeTensors.Build("{\"modelgen.spec\":\"" + Spec + "\",\"modelgen.layout\":\"pytorch\"}", entries),
            "tensor 'Conv.weight' has shape [3, 2, 3, 4]; this model needs [4, 3, 3, 2] (PyTorch's layout)");
    }

    [Fact]
    public void An_unknown_layout_is_refused() =>
        AssertRefused(HandBuiltSafeTensors.Build("{\"modelgen.spec\":\"" + Spec + "\",\"modelgen.layout\":\"keras\"}", StateDict(Parameters())),
            "modelgen.layout is \"keras\"; this version of ModelGen reads \"pytorch\", \"weights [inputs, units] row-major\" or files without modelgen.layout");

    [Fact]
    public void A_layout_without_a_spec_is_refused() =>
        AssertRefused(HandBuiltSafeTensors.Build("{\"modelgen.layout\":\"pytorch\"}", StateDict(Parameters())),
            "__metadata__ has no modelgen.spec, so it does not say which network it holds");

    [Fact]
    public void A_NaN_is_reported_at_its_index_in_the_file()
    {
        Entry[] entries = StateDict(Parameters());
        entries[4].Values[7] = float.NaN; // Out.weight [3, 5]: row 1, column 2
        AssertRefused(HandBuiltSafeTensors.Build("{\"modelgen.spec\":\"" + Spec + "\",\"modelgen.layout\":\"pytorch\"}", entries),
            "tensor 'Out.weight' has a NaN at index [1, 2]");
    }

    [Fact]
    public void Save_reports_a_NaN_at_its_index_in_the_file()
    {
        float[] parameters = Parameters();
        parameters[76 + ((1 * W + 0) * Filters + 2) * Units + 4] = float.PositiveInfinity; // pixel (1, 0), channel 2, unit 4
        string path = _folder.File("model.safetensors");
        var error = Assert.Throws<ArgumentException>(() => SafeTensors.Save(path, Spec, parameters, s_layout));
        // In the file: row 4, input (c, h, w) = (2, 1, 0) → 2·6 + 1·2 + 0 = 14 (channels-last it would be 10).
        Assert.StartsWith($"Cannot save '{path}': tensor 'Dense.weight' has an infinite value (+inf) at index [4, 14].", error.Message);
    }
}
