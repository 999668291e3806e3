namespace ModelGen.Tests.Core;

/// <summary>
/// The fast dropout against <see cref="DropoutReference"/>: the mask bit for bit for a seed (masks are a
/// reproducibility contract), leaving the generator where the reference leaves it; the share dropped near
/// the rate; the product exact, in place too. Also: no allocations, checked arguments.
/// </summary>
[Collection(AllocationTestGroup.Name)]
public sealed class DropoutKernelTests
{
    public static TheoryData<float, int> Masks() => new()
    {
        { 0f, 17 }, { 0.1f, 1 }, { 0.1f, 1000 }, { 0.5f, 1 }, { 0.5f, 17 }, { 0.5f, 4099 }, { 0.9f, 1000 }, { 0.3333f, 64 },
    };

    [Theory]
    [MemberData(nameof(Masks))]
    public void Mask_is_bit_identical_to_the_reference(float rate, int count)
    {
        var expectedRandom = new Xoshiro256StarStar(42);
        var actualRandom = new Xoshiro256StarStar(42);
        float[] expected = ConvCases.Garbage(count), actual = ConvCases.Garbage(count);
        DropoutReference.Mask(expected, rate, ref expectedRandom);
        Dropout.Mask(actual, rate, ref actualRandom);
        KernelAssert.BitIdentical<float>(expected, actual, "mask");
        Assert.Equal(expectedRandom.NextUInt64(), actualRandom.NextUInt64());
    }

    [Fact]
    public void A_draw_equal_to_the_rate_keeps_its_value()
    {
        // u < rate drops, so a draw exactly at the rate keeps: the rate is set to the seed's first draw.
        var probe = new Xoshiro256StarStar(11);
        float rate = probe.NextSingle();
        var expectedRandom = new Xoshiro256StarStar(11);
        var actualRandom = new Xoshiro256StarStar(11);
        float[] expected = new float[8], actual = new float[8];
        DropoutReference.Mask(expected, rate, ref expectedRandom);
        Dropout.Mask(actual, rate, ref actualRandom);
        Assert.Equal(1f / (1f - rate), actual[0]);
        KernelAssert.BitIdentical<float>(expected, actual, "mask");
    }

    [Theory]
    [InlineData(0.1f)]
    [InlineData(0.5f)]
    [InlineData(0.8f)]
    public void The_share_dropped_is_near_the_rate(float rate)
    {
        var random = new Xoshiro256StarStar(7);
        var mask = new float[100_000];
        Dropout.Mask(mask, rate, ref random);
        int dropped = mask.Count(v => v == 0f);
        // The binomial standard deviation is at most 0.0016 here; 0.01 is over six of them.
        Assert.InRange(dropped / (double)mask.Length, rate - 0.01, rate + 0.01);
        Assert.All(mask, v => Assert.True(v == 0f || v == 1f / (1f - rate)));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(8)]
    [InlineData(13)]
    [InlineData(1001)]
    public void Apply_is_exact(int count)
    {
        float[] x = TestData.Uniform(count, 1), mask = new float[count];
        var random = new Xoshiro256StarStar(2);
        Dropout.Mask(mask, 0.4f, ref random);
        var expected = new float[count];
        float[] actual = ConvCases.Garbage(count);
        DropoutReference.Apply(x, mask, expected);
        Dropout.Apply(x, mask, actual);
        KernelAssert.BitIdentical<float>(expected, actual, "y");
        float[] inPlace = (float[])x.Clone();
        Dropout.Apply(inPlace, mask, inPlace);
        KernelAssert.BitIdentical<float>(expected, inPlace, "y in place");
    }

    [Theory]
    [InlineData("Mask")]
    [InlineData("Apply")]
    public void Kernel_allocates_nothing(string kernel)
    {
        var random = new Xoshiro256StarStar(3);
        var mask = new float[4096];
        float[] x = TestData.Uniform(mask.Length, 4);
        var y = new float[mask.Length];
        Action action = kernel == "Mask"
            ? () => Dropout.Mask(mask, 0.5f, ref random)
            : () => Dropout.Apply(x, mask, y);
        Assert.Equal(0, AllocationMeter.Measure(action));
    }

    [Fact]
    public void Bad_rates_and_short_spans_are_refused()
    {
        var random = new Xoshiro256StarStar(4);
        foreach (float rate in new[] { -0.1f, 1f, float.NaN })
            Assert.Throws<ArgumentOutOfRangeException>(() => Dropout.Mask(new float[4], rate, ref random));
        var e = Assert.Throws<ArgumentException>(() => Dropout.Apply(new float[4], new float[3], new float[4]));
        Assert.Equal("mask", e.ParamName);
        e = Assert.Throws<ArgumentException>(() => Dropout.Apply(new float[4], new float[4], new float[3]));
        Assert.Equal("y", e.ParamName);
    }
}
