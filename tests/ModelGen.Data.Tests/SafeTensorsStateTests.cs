using ModelGen.Serialization;
using RawEntry = ModelGen.Data.Tests.HandBuiltSafeTensors.RawEntry;

namespace ModelGen.Data.Tests;

/// <summary>
/// Batch normalisation's tensors as PyTorch's state_dict holds them: weight and bias (trained, in the parameter
/// buffer), running_mean and running_var (float32 state, in a buffer of their own) and num_batches_tracked (an
/// int64 scalar, in the counter buffer). They round-trip through all three buffers, the header says what PyTorch's
/// load_state_dict(strict=True) expects (checked by the independent reader), a hand-built PyTorch file loads, and
/// wrong dtypes or shapes are refused with one exact line, leaving all three buffers as they were.
/// </summary>
public sealed class SafeTensorsStateTests : IDisposable
{
    private const string Spec = "input=[5,5,2];Conv=conv2d(4,3x3,same);Norm=batch_norm;Flat=global_average_pooling2d;Head=dense(3);HeadNorm=batch_norm";

    // Conv 3×3, 2 → 4 channels; Norm over 4 channels; Head 4 → 3; HeadNorm over 3 features.
    private const int ParameterCount = 105, StateCount = 14, CounterCount = 2;

    private static readonly TensorLayout[] s_layout =
    [
        TensorLayout.Conv2D("Conv.weight", 0, 3, 3, 2, 4),
        new("Conv.bias", 72, 4),
        new("Norm.weight", 76, 4),
        new("Norm.bias", 80, 4),
        TensorLayout.State("Norm.running_mean", 0, 4),
        TensorLayout.State("Norm.running_var", 4, 4),
        TensorLayout.Counter("Norm.num_batches_tracked", 0),
        TensorLayout.Linear("Head.weight", 84, 4, 3),
        new("Head.bias", 96, 3),
        new("HeadNorm.weight", 99, 3),
        new("HeadNorm.bias", 102, 3),
        TensorLayout.State("HeadNorm.running_mean", 8, 3),
        TensorLayout.State("HeadNorm.running_var", 11, 3),
        TensorLayout.Counter("HeadNorm.num_batches_tracked", 1),
    ];

    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private static float[] Parameters() => Enumerable.Range(0, ParameterCount).Select(i => (i + 1) * 0.25f * (i % 3 == 0 ? -1 : 1)).ToArray();

    // Running means of either sign, variances positive; -0 and a subnormal to catch conversions.
    private static float[] State()
    {
        float[] state = Enumerable.Range(0, StateCount).Select(i => i < 4 || (i >= 8 && i < 11) ? MathF.Sin(i + 1) : 0.5f + i).ToArray();
        state[1] = -0f;
        state[2] = float.Epsilon;
        return state;
    }

    // Beyond float32's and int32's exact range, so a value passed through either would not come back.
    private static long[] Counters() => [(1L << 40) + 3, long.MaxValue - 5];

    // nn.Conv2d.weight [out, in, kh, kw] from the stored [kh, kw, in, out], and nn.Linear.weight [out, in] from [in, out].
    private static float[] TorchConv(float[] p)
    {
        var torch = new float[72];
        for (int o = 0; o < 4; o++)
            for (int i = 0; i < 2; i++)
                for (int y = 0; y < 3; y++)
                    for (int x = 0; x < 3; x++)
                        torch[((o * 2 + i) * 3 + y) * 3 + x] = p[((y * 3 + x) * 2 + i) * 4 + o];
        return torch;
    }

    private static float[] TorchLinear(float[] p)
    {
        var torch = new float[12];
        for (int u = 0; u < 3; u++)
            for (int i = 0; i < 4; i++)
                torch[u * 4 + i] = p[84 + i * 3 + u];
        return torch;
    }

    /// <summary>
    /// The tensors as safetensors.torch.save_file(model.state_dict(), path) writes them: sorted by dtype size
    /// (int64 first) and then by name, num_batches_tracked as int64 of shape [].
    /// </summary>
    private static RawEntry[] StateDict(float[] p, float[] s, long[] c) =>
        [.. new[]
        {
            RawEntry.I64("HeadNorm.num_batches_tracked", [], c[1]),
            RawEntry.I64("Norm.num_batches_tracked", [], c[0]),
        },
        .. new[]
        {
            RawEntry.F32("Conv.bias", [4], p[72..76]),
            RawEntry.F32("Conv.weight", [4, 2, 3, 3], TorchConv(p)),
            RawEntry.F32("Head.bias", [3], p[96..99]),
            RawEntry.F32("Head.weight", [3, 4], TorchLinear(p)),
            RawEntry.F32("HeadNorm.bias", [3], p[102..105]),
            RawEntry.F32("HeadNorm.running_mean", [3], s[8..11]),
            RawEntry.F32("HeadNorm.running_var", [3], s[11..14]),
            RawEntry.F32("HeadNorm.weight", [3], p[99..102]),
            RawEntry.F32("Norm.bias", [4], p[80..84]),
            RawEntry.F32("Norm.running_mean", [4], s[0..4]),
            RawEntry.F32("Norm.running_var", [4], s[4..8]),
            RawEntry.F32("Norm.weight", [4], p[76..80]),
        }];

    private static RawEntry[] Replace(RawEntry[] entries, RawEntry replacement) =>
        entries.Select(e => e.Name == replacement.Name ? replacement : e).ToArray();

    private (float[] Parameters, float[] State, long[] Counters) LoadFile(byte[] file)
    {
        string path = _folder.Write("model.safetensors", file);
        var loaded = (new float[ParameterCount], new float[StateCount], new long[CounterCount]);
        SafeTensors.Load(path, Spec, loaded.Item1, loaded.Item2, loaded.Item3, s_layout);
        return loaded;
    }

    private void AssertRefused(byte[] file, string problem)
    {
        string path = _folder.Write("model.safetensors", file);
        float[] parameters = Enumerable.Repeat(7f, ParameterCount).ToArray();
        float[] state = Enumerable.Repeat(8f, StateCount).ToArray();
        long[] counters = Enumerable.Repeat(9L, CounterCount).ToArray();
        var error = Assert.Throws<ModelFileException>(() => SafeTensors.Load(path, Spec, parameters, state, counters, s_layout));
        Assert.Equal(path + ": " + problem, error.Message);
        Assert.DoesNotContain('\n', error.Message);
        // Nothing loaded from a refused file, in any of the three buffers.
        Assert.All(parameters, p => Assert.Equal(7f, p));
        Assert.All(state, s => Assert.Equal(8f, s));
        Assert.All(counters, c => Assert.Equal(9L, c));
    }

    private static void AssertBits(float[] expected, float[] actual) =>
        Assert.Equal(expected.Select(BitConverter.SingleToInt32Bits), actual.Select(BitConverter.SingleToInt32Bits));

    [Fact]
    public void Every_factory_but_State_and_Counter_is_stored_in_the_parameters()
    {
        Assert.All(new[] { new TensorLayout("a", 0, 2), TensorLayout.Linear("b", 0, 2, 3), TensorLayout.LinearAfterImage("c", 0, 2, 2, 1, 3), TensorLayout.Conv2D("d", 0, 1, 1, 1, 1) },
            t => Assert.Equal(TensorStorage.Parameters, t.Storage));

        TensorLayout state = TensorLayout.State("Norm.running_var", 4, 6);
        Assert.Equal(TensorStorage.State, state.Storage);
        Assert.Equal([6], state.Shape);
        Assert.Equal([6], state.StoredShape);
        Assert.True(state.SavedAsStored);

        TensorLayout counter = TensorLayout.Counter("Norm.num_batches_tracked", 1);
        Assert.Equal(TensorStorage.Counters, counter.Storage);
        Assert.Empty(counter.Shape);
        Assert.Equal(1, counter.Length);
        Assert.Equal(1, counter.Offset);
    }

    [Fact]
    public void All_three_buffers_round_trip_exactly()
    {
        float[] parameters = Parameters(), state = State();
        long[] counters = Counters();
        string path = _folder.File("model.safetensors");
        SafeTensors.Save(path, Spec, parameters, state, counters, s_layout);

        var (loadedParameters, loadedState, loadedCounters) = LoadFile(File.ReadAllBytes(path));
        AssertBits(parameters, loadedParameters);
        AssertBits(state, loadedState);
        Assert.Equal(counters, loadedCounters);
    }

    [Fact]
    public void The_header_is_what_PyTorchs_load_state_dict_expects()
    {
        float[] parameters = Parameters(), state = State();
        long[] counters = Counters();
        string path = _folder.File("model.safetensors");
        SafeTensors.Save(path, Spec, parameters, state, counters, s_layout);

        IndependentSafeTensorsReader.Content content = IndependentSafeTensorsReader.Read(path);
        Assert.Equal(s_layout.Select(t => t.Name).Order(StringComparer.Ordinal), content.Tensors.Keys.Order(StringComparer.Ordinal));
        foreach (RawEntry expected in StateDict(parameters, state, counters))
        {
            IndependentSafeTensorsReader.Tensor tensor = content.Tensors[expected.Name];
            Assert.Equal(expected.DType, tensor.DType);
            Assert.Equal(expected.Shape.Select(d => (long)d), tensor.Shape);
            Assert.Equal(expected.Data, tensor.Raw);
        }

        // num_batches_tracked: int64, a 0-d tensor (shape []), 8 bytes; running statistics float32 [C].
        IndependentSafeTensorsReader.Tensor tracked = content.Tensors["HeadNorm.num_batches_tracked"];
        Assert.Equal("I64", tracked.DType);
        Assert.Empty(tracked.Shape);
        Assert.Equal(8, tracked.End - tracked.Begin);
        Assert.Equal([long.MaxValue - 5], tracked.Int64s());
        Assert.Equal("F32", content.Tensors["Norm.running_var"].DType);
        Assert.Equal([4L], content.Tensors["Norm.running_var"].Shape);
        Assert.Equal(state[4..8], content.Tensors["Norm.running_var"].Values);
        Assert.Equal("F32", content.Tensors["HeadNorm.running_mean"].DType);
        Assert.Equal([3L], content.Tensors["HeadNorm.running_mean"].Shape);
        Assert.Contains("\"Norm.num_batches_tracked\":{\"dtype\":\"I64\",\"shape\":[],", content.HeaderText);

        // Counters come first, so every int64 is 8-byte aligned; the rest follow in layout order, contiguously.
        Assert.Equal(0, content.Tensors["Norm.num_batches_tracked"].Begin);
        Assert.Equal(8, content.Tensors["HeadNorm.num_batches_tracked"].Begin);
        long expectedBegin = 16;
        foreach (TensorLayout layout in s_layout.Where(t => t.Storage != TensorStorage.Counters))
        {
            Assert.Equal(expectedBegin, content.Tensors[layout.Name].Begin);
            expectedBegin = content.Tensors[layout.Name].End;
        }
        Assert.Equal(expectedBegin, content.DataLength);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("{\"format\":\"pt\"}")]
    public void A_state_dict_saved_by_PyTorch_loads_into_all_three_buffers(string? metadata)
    {
        float[] parameters = Parameters(), state = State();
        long[] counters = Counters();
        var (loadedParameters, loadedState, loadedCounters) = LoadFile(HandBuiltSafeTensors.Build(metadata, StateDict(parameters, state, counters)));
        AssertBits(parameters, loadedParameters);
        AssertBits(state, loadedState);
        Assert.Equal(counters, loadedCounters);
    }

    [Fact]
    public void A_counter_at_an_offset_that_is_not_8_byte_aligned_loads()
    {
        // Another writer may put the int64 scalars after the 3-float biases: byte offsets 12 and 20.
        float[] parameters = Parameters(), state = State();
        long[] counters = Counters();
        RawEntry[] entries = StateDict(parameters, state, counters);
        RawEntry[] reordered = [entries[4], entries[1], entries[0], .. entries[2..4], .. entries[5..]];
        byte[] file = HandBuiltSafeTensors.Build(null, reordered);
        var (_, _, loadedCounters) = LoadFile(file);
        Assert.Equal(counters, loadedCounters);
    }

    [Fact]
    public void The_old_overloads_save_and_load_a_model_without_state_exactly_as_before()
    {
        TensorLayout[] layout = [TensorLayout.Linear("Out.weight", 0, 2, 3), new("Out.bias", 6, 3)];
        float[] parameters = [1, 2, 3, 4, 5, 6, 7, 8, 9];
        string before = _folder.File("before.safetensors"), after = _folder.File("after.safetensors");
        SafeTensors.Save(before, "s", parameters, layout);
        SafeTensors.Save(after, "s", parameters, [], [], layout);
        Assert.Equal(File.ReadAllBytes(before), File.ReadAllBytes(after));

        var loaded = new float[9];
        SafeTensors.Load(after, "s", loaded, layout);
        Assert.Equal(parameters, loaded);
    }

    [Fact]
    public void Layouts_that_do_not_fit_their_buffer_are_refused_naming_the_buffer()
    {
        string path = _folder.File("model.safetensors");
        var e = Assert.Throws<ArgumentException>(() => SafeTensors.Save(path, Spec, Parameters(), s_layout));
        Assert.StartsWith("Tensor 'Norm.running_mean' occupies elements 0 to 4 but the state buffer has 0.", e.Message);
        e = Assert.Throws<ArgumentException>(() => SafeTensors.Load(path, Spec, new float[ParameterCount], new float[StateCount], new long[1], s_layout));
        Assert.StartsWith("Tensor 'HeadNorm.num_batches_tracked' occupies elements 1 to 2 but the counter buffer has 1.", e.Message);
        Assert.False(File.Exists(path));
    }

    [Fact]
    public void Save_refuses_a_NaN_in_the_state()
    {
        float[] state = State();
        state[12] = float.NaN; // HeadNorm.running_var[1]
        string path = _folder.File("model.safetensors");
        var e = Assert.Throws<ArgumentException>(() => SafeTensors.Save(path, Spec, Parameters(), state, Counters(), s_layout));
        Assert.StartsWith($"Cannot save '{path}': tensor 'HeadNorm.running_var' has a NaN at index [1].", e.Message);
        Assert.Equal("state", e.ParamName);
        Assert.False(File.Exists(path));
    }

    [Fact]
    public void A_counter_saved_as_float_is_refused() =>
        AssertRefused(HandBuiltSafeTensors.Build(null, Replace(StateDict(Parameters(), State(), Counters()), RawEntry.F32("Norm.num_batches_tracked", [], 3f))),
            "tensor 'Norm.num_batches_tracked' has dtype F32; this model needs I64");

    [Fact]
    public void A_counter_of_another_integer_type_is_refused() =>
        AssertRefused(HandBuiltSafeTensors.Build(null, Replace(StateDict(Parameters(), State(), Counters()), new RawEntry("HeadNorm.num_batches_tracked", "I32", [], [3, 0, 0, 0]))),
            "tensor 'HeadNorm.num_batches_tracked' has dtype I32; this model needs I64");

    [Fact]
    public void A_running_mean_saved_as_int64_is_refused() =>
        AssertRefused(HandBuiltSafeTensors.Build(null, Replace(StateDict(Parameters(), State(), Counters()), RawEntry.I64("Norm.running_mean", [4], 1, 2, 3, 4))),
            "tensor 'Norm.running_mean' has dtype I64; this model needs F32");

    [Fact]
    public void A_weight_saved_as_int64_is_refused() =>
        AssertRefused(HandBuiltSafeTensors.Build(null, Replace(StateDict(Parameters(), State(), Counters()), RawEntry.I64("Conv.bias", [4], 1, 2, 3, 4))),
            "tensor 'Conv.bias' has dtype I64; this model needs F32");

    [Fact]
    public void A_counter_of_shape_1_instead_of_a_scalar_is_refused() =>
        AssertRefused(HandBuiltSafeTensors.Build(null, Replace(StateDict(Parameters(), State(), Counters()), RawEntry.I64("Norm.num_batches_tracked", [1], 5))),
            "tensor 'Norm.num_batches_tracked' has shape [1]; this model needs []");

    [Fact]
    public void A_running_variance_of_the_wrong_shape_is_refused() =>
        AssertRefused(HandBuiltSafeTensors.Build(null, Replace(StateDict(Parameters(), State(), Counters()), RawEntry.F32("Norm.running_var", [1, 4], 1, 2, 3, 4))),
            "tensor 'Norm.running_var' has shape [1, 4]; this model needs [4]");

    [Fact]
    public void A_counter_with_four_bytes_is_refused() =>
        AssertRefused(HandBuiltSafeTensors.Build(null, Replace(StateDict(Parameters(), State(), Counters()), new RawEntry("HeadNorm.num_batches_tracked", "I64", [], [1, 0, 0, 0]))),
            "tensor 'HeadNorm.num_batches_tracked' has data_offsets [0, 4] (4 bytes); I64 of shape [] needs 8 bytes");

    [Fact]
    public void A_NaN_in_the_last_running_variance_is_refused_after_the_counters_were_read()
    {
        float[] state = State();
        state[13] = float.NaN;
        AssertRefused(HandBuiltSafeTensors.Build(null, StateDict(Parameters(), state, Counters())), "tensor 'HeadNorm.running_var' has a NaN at index [2]");
    }

    [Fact]
    public void A_state_dict_without_the_running_statistics_is_refused() =>
        AssertRefused(HandBuiltSafeTensors.Build(null, StateDict(Parameters(), State(), Counters()).Where(e => !e.Name.Contains("running", StringComparison.Ordinal)).ToArray()),
            "tensor 'Norm.running_mean' is missing; the file holds 'HeadNorm.num_batches_tracked', 'Norm.num_batches_tracked', 'Conv.bias', 'Conv.weight', 'Head.bias' and 5 more (a state_dict must name its tensors after this model's layers)");

    [Fact]
    public void A_ModelGen_file_with_another_spec_is_refused_before_anything_is_read()
    {
        string path = _folder.File("model.safetensors");
        SafeTensors.Save(path, "input=2;Other=batch_norm", Parameters(), State(), Counters(), s_layout);
        AssertRefused(File.ReadAllBytes(path), $"the file holds the network \"input=2;Other=batch_norm\"; this model is \"{Spec}\"");
    }
}

/// <summary>A depthwise convolution's weights are saved as PyTorch's grouped Conv2d weight [C·M, 1, kh, kw].</summary>
public sealed class DepthwiseTensorLayoutTests
{
    [Fact]
    public void Depthwise_weights_are_saved_channel_major_with_one_input_channel_per_group()
    {
        const int KH = 3, KW = 2, C = 3, M = 2;
        TensorLayout layout = TensorLayout.DepthwiseConv2D("Dw.weight", 5, KH, KW, C, M);
        Assert.Equal([KH, KW, C, M], layout.StoredShape);
        Assert.Equal([C * M, 1, KH, KW], layout.Shape);
        Assert.Equal(TensorStorage.Parameters, layout.Storage);
        Assert.False(layout.SavedAsStored);

        float[] stored = Enumerable.Range(0, layout.Length).Select(i => i + 0.5f).ToArray();
        var saved = new float[layout.Length];
        layout.ToSaved(stored, saved);
        for (int c = 0; c < C; c++)
            for (int m = 0; m < M; m++)
                for (int y = 0; y < KH; y++)
                    for (int x = 0; x < KW; x++)
                        Assert.Equal(stored[((y * KW + x) * C + c) * M + m], saved[((c * M + m) * KH + y) * KW + x]);

        var back = new float[layout.Length];
        layout.FromSaved(saved, back);
        Assert.Equal(stored, back);
    }
}
