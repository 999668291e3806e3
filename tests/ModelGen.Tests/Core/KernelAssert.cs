using System.Runtime.InteropServices;

namespace ModelGen.Tests.Core;

/// <summary>Comparisons for kernel results: bit for bit, or within a relative tolerance.</summary>
public static class KernelAssert
{
    /// <summary>Every value has the same bits (so NaN equals NaN, and 0 differs from −0).</summary>
    public static void BitIdentical<T>(ReadOnlySpan<T> expected, ReadOnlySpan<T> actual, string what) where T : unmanaged
    {
        Assert.Equal(expected.Length, actual.Length);
        ReadOnlySpan<byte> e = MemoryMarshal.AsBytes(expected), a = MemoryMarshal.AsBytes(actual);
        int size = e.Length / Math.Max(1, expected.Length);
        for (int i = 0; i < expected.Length; i++)
            if (!e.Slice(i * size, size).SequenceEqual(a.Slice(i * size, size)))
                Assert.Fail($"{what}[{i}]: expected {expected[i]}, got {actual[i]}.");
    }

    /// <summary>|actual − expected| ≤ tolerance · max(1, |expected|) for every value.</summary>
    public static void Close(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, double tolerance, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            double limit = tolerance * Math.Max(1.0, Math.Abs(expected[i]));
            if (!(Math.Abs((double)actual[i] - expected[i]) <= limit))
                Assert.Fail($"{what}[{i}]: expected {expected[i]}, got {actual[i]} (tolerance {limit}).");
        }
    }

    /// <summary>|actual − expected| ≤ tolerance · max(max|expected|, minimumScale) for every value (relative to the tensor's largest magnitude).</summary>
    public static void CloseToMax(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, double tolerance, string what, double minimumScale = 0)
    {
        Assert.Equal(expected.Length, actual.Length);
        double scale = minimumScale;
        foreach (float e in expected) scale = Math.Max(scale, Math.Abs((double)e));
        double limit = tolerance * Math.Max(scale, 1e-30);
        for (int i = 0; i < expected.Length; i++)
            if (!(Math.Abs((double)actual[i] - expected[i]) <= limit))
                Assert.Fail($"{what}[{i}]: expected {expected[i]}, got {actual[i]} (tolerance {limit:E2}, max |expected| {scale:G4}).");
    }
}
