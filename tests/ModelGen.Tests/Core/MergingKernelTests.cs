namespace ModelGen.Tests.Core;

/// <summary>
/// The merges (add, gradient accumulation, channel concatenation and its slice) against plain loops and
/// <see cref="MergingReference"/>, bit for bit; and ReLU6 with its backward pass on special values and every tail length.
/// </summary>
[Collection(AllocationTestGroup.Name)]
public sealed class MergingKernelTests
{
    /// <summary>ReLU's backward into another span (the generated Activation layers' dx) gives the in-place pass's bits and leaves dy alone.</summary>
    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(37)]
    [InlineData(1000)]
    public void ReLU_backward_into_dx_gives_the_in_place_bits(int length)
    {
        float[] y = TestData.Uniform(length, 3), dy = TestData.Uniform(length, 4);
        for (int i = 0; i < length; i += 3) y[i] = i % 2 == 0 ? 0f : -0f;
        dy[0] = float.NaN;
        float[] inPlace = (float[])dy.Clone(), dx = ConvCases.Garbage(length), before = (float[])dy.Clone();
        Activations.ReLUBackward(y, inPlace);
        Activations.ReLUBackward(y, dy, dx);
        KernelAssert.BitIdentical<float>(inPlace, dx, "dx");
        KernelAssert.BitIdentical<float>(before, dy, "dy");
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(37)]
    [InlineData(1000)]
    public void Add_and_AddInto_add_element_wise(int length)
    {
        float[] a = TestData.Uniform(length, 1), b = TestData.Uniform(length, 2);
        float[] y = ConvCases.Garbage(length);
        Merging.Add(a, b, y);
        float[] destination = (float[])a.Clone();
        Merging.AddInto(destination, b);
        for (int i = 0; i < length; i++)
        {
            Assert.Equal(a[i] + b[i], y[i]);
            Assert.Equal(a[i] + b[i], destination[i]);
        }
        // In place, y = a.
        Merging.Add(a, b, a);
        KernelAssert.BitIdentical<float>(y, a, "in place");
    }

    /// <summary>
    /// Long spans (a ResNet layer's gradient over a batch) are split across the cores, in chunks of whole vectors: every
    /// element, the tail's too, must have the bits of one core, and none may be skipped or written twice.
    /// </summary>
    [Theory]
    [InlineData("ReLUBackward")]
    [InlineData("ReLUBackwardInPlace")]
    [InlineData("Add")]
    [InlineData("AddInto")]
    public void Long_spans_give_the_bits_of_one_core(string kernel)
    {
        const int length = 300_007; // above the split threshold, and not a multiple of any vector width
        float[] y = TestData.Uniform(length, 11), d = TestData.Uniform(length, 12);
        for (int i = 0; i < length; i += 5) y[i] = i % 2 == 0 ? 0f : -0f;
        float[] Run()
        {
            float[] target = ConvCases.Garbage(length), deltas = (float[])d.Clone();
            switch (kernel)
            {
                case "ReLUBackward": Activations.ReLUBackward(y, deltas, target); return target;
                case "ReLUBackwardInPlace": Activations.ReLUBackward(y, deltas); return deltas;
                case "Add": Merging.Add(y, deltas, target); return target;
                default: Merging.AddInto(deltas, y); return deltas;
            }
        }
        float[] parallel = SplitRuns.UntilSplit(Run, $"{kernel} over {length} values never ran on more than one core");
        float[] serial;
        Kernels.AllowParallel = false;
        try { serial = Run(); }
        finally { Kernels.AllowParallel = true; }
        KernelAssert.BitIdentical<float>(serial, parallel, kernel);
        // And the serial pass is the plain loop's.
        for (int i = 0; i < length; i++)
        {
            float expected = kernel.StartsWith("ReLU", StringComparison.Ordinal) ? (y[i] > 0f ? d[i] : 0f) : y[i] + d[i];
            if (BitConverter.SingleToInt32Bits(expected) != BitConverter.SingleToInt32Bits(serial[i]))
                Assert.Fail($"{kernel}: element {i} is {serial[i]}, expected {expected}");
        }
    }

    [Fact]
    public void Add_refuses_different_lengths()
    {
        Assert.Equal("b", Assert.Throws<ArgumentException>(() => Merging.Add(new float[3], new float[4], new float[3])).ParamName);
        Assert.Equal("y", Assert.Throws<ArgumentException>(() => Merging.Add(new float[3], new float[3], new float[2])).ParamName);
        Assert.Equal("source", Assert.Throws<ArgumentException>(() => Merging.AddInto(new float[3], new float[4])).ParamName);
    }

    public static TheoryData<int, int, int, int> ChannelCases()
    {
        var cases = new TheoryData<int, int, int, int>();
        foreach (int rows in new[] { 1, 2, 17, 37 })
        {
            cases.Add(rows, 1, 0, 1);
            cases.Add(rows, 3, 0, 3);
            cases.Add(rows, 1, 2, 3);
            cases.Add(rows, 3, 0, 20);
            cases.Add(rows, 17, 3, 20);
            cases.Add(rows, 64, 17, 81);
        }
        return cases;
    }

    [Theory]
    [MemberData(nameof(ChannelCases))]
    public void CopyChannels_and_SliceChannels_match_the_reference(int rows, int channels, int offset, int total)
    {
        float[] x = TestData.Uniform(rows * channels, 3);
        float[] expected = ConvCases.Garbage(rows * total), actual = ConvCases.Garbage(rows * total);
        MergingReference.CopyChannels(x, expected, rows, channels, offset, total);
        Merging.CopyChannels(x, actual, rows, channels, offset, total);
        KernelAssert.BitIdentical<float>(expected, actual, "y"); // the other channels are still NaN in both

        float[] dy = TestData.Uniform(rows * total, 4);
        float[] dxExpected = ConvCases.Garbage(rows * channels), dx = ConvCases.Garbage(rows * channels);
        MergingReference.SliceChannels(dy, dxExpected, rows, channels, offset, total);
        Merging.SliceChannels(dy, dx, rows, channels, offset, total);
        KernelAssert.BitIdentical<float>(dxExpected, dx, "dx");

        // A concatenation's slice gives back its part.
        float[] back = ConvCases.Garbage(rows * channels);
        Merging.SliceChannels(actual, back, rows, channels, offset, total);
        KernelAssert.BitIdentical<float>(x, back, "round trip");
    }

    [Fact]
    public void Channel_ranges_and_lengths_are_checked()
    {
        Assert.Throws<ArgumentException>(() => Merging.CopyChannels(new float[6], new float[12], 2, 3, 2, 4));
        Assert.Throws<ArgumentOutOfRangeException>(() => Merging.CopyChannels(new float[6], new float[12], 2, 3, -1, 6));
        Assert.Throws<ArgumentOutOfRangeException>(() => Merging.CopyChannels(new float[6], new float[12], -1, 3, 0, 6));
        Assert.Equal("x", Assert.Throws<ArgumentException>(() => Merging.CopyChannels(new float[5], new float[12], 2, 3, 0, 6)).ParamName);
        Assert.Equal("y", Assert.Throws<ArgumentException>(() => Merging.CopyChannels(new float[6], new float[11], 2, 3, 0, 6)).ParamName);
        Assert.Equal("dy", Assert.Throws<ArgumentException>(() => Merging.SliceChannels(new float[11], new float[6], 2, 3, 3, 6)).ParamName);
        Assert.Equal("dx", Assert.Throws<ArgumentException>(() => Merging.SliceChannels(new float[12], new float[5], 2, 3, 3, 6)).ParamName);
        Merging.CopyChannels(new float[6], new float[12], 2, 3, 3, 6); // the last channels fit
    }

    [Theory]
    [InlineData(1)]
    [InlineData(15)]
    [InlineData(37)]
    [InlineData(1001)]
    public void ReLU6_clips_to_0_and_6_and_passes_the_gradient_strictly_inside(int length)
    {
        float[] special = [float.NegativeInfinity, -3f, -0f, 0f, 1e-30f, 2.5f, 6f, 5.9999995f, 6.0000005f, 7f, float.PositiveInfinity, float.NaN];
        float[] z = TestData.Uniform(length, 5, -3f, 9f);
        for (int i = 0; i < length; i += 3) z[i] = special[i / 3 % special.Length];
        float[] y = (float[])z.Clone();
        Activations.ReLU6(y);
        float[] deltas = TestData.Uniform(length, 6);
        for (int i = 0; i < length; i += 5) deltas[i] = float.PositiveInfinity; // must not leak where clipped
        float[] d = (float[])deltas.Clone();
        Activations.ReLU6Backward(y, d);
        for (int i = 0; i < length; i++)
        {
            float expected = float.IsNaN(z[i]) ? float.NaN : Math.Min(Math.Max(z[i], 0f), 6f);
            Assert.True(expected.Equals(y[i]) || (expected == 0 && y[i] == 0), $"y[{i}] = {y[i]} for z = {z[i]}, expected {expected}");
            float gradient = y[i] > 0f && y[i] < 6f ? deltas[i] : 0f;
            Assert.True(BitConverter.SingleToInt32Bits(gradient) == BitConverter.SingleToInt32Bits(d[i]), $"d[{i}] = {d[i]} for y = {y[i]}, expected {gradient}");
        }
    }

    [Theory]
    [InlineData("Add")]
    [InlineData("AddInto")]
    [InlineData("CopyChannels")]
    [InlineData("SliceChannels")]
    [InlineData("ReLU6")]
    [InlineData("ReLU6Backward")]
    public void Kernel_allocates_nothing(string kernel)
    {
        const int rows = 500, channels = 24, total = 40;
        float[] a = TestData.Uniform(rows * total, 7), b = TestData.Uniform(rows * total, 8), y = new float[rows * total];
        float[] part = TestData.Uniform(rows * channels, 9);
        Action action = kernel switch
        {
            "Add" => () => Merging.Add(a, b, y),
            "AddInto" => () => Merging.AddInto(y, a),
            "CopyChannels" => () => Merging.CopyChannels(part, y, rows, channels, 16, total),
            "SliceChannels" => () => Merging.SliceChannels(a, part, rows, channels, 5, total),
            "ReLU6" => () => Activations.ReLU6(y),
            _ => () => Activations.ReLU6Backward(a, b),
        };
        Assert.Equal(0, AllocationMeter.Measure(action));
    }
}
