namespace ModelGen.ReferenceTests;

/// <summary>The error measures the reference tests use.</summary>
public static class Compare
{
    /// <summary>Below this, a reference tensor counts as zero when scaling (so all-zero gradients compare absolutely).</summary>
    public const double Tiny = 1e-30;

    /// <summary>
    /// max|a − b| / max(max|b|, tiny): the largest difference relative to the reference tensor's largest
    /// magnitude. Unlike an element-wise relative error it does not blow up on elements that are
    /// near zero by cancellation, and unlike an absolute error it means the same at every scale.
    /// </summary>
    public static double RelativeToMax(ReadOnlySpan<float> actual, ReadOnlySpan<float> expected)
    {
        Assert.Equal(expected.Length, actual.Length);
        return MaxAbsDifference(actual, expected) / Math.Max(MaxAbs(expected), Tiny);
    }

    /// <summary>max|a − b|.</summary>
    public static double MaxAbsDifference(ReadOnlySpan<float> actual, ReadOnlySpan<float> expected)
    {
        Assert.Equal(expected.Length, actual.Length);
        double max = 0;
        for (int i = 0; i < actual.Length; i++)
        {
            double d = Math.Abs((double)actual[i] - expected[i]);
            if (double.IsNaN(d)) return double.PositiveInfinity;
            max = Math.Max(max, d);
        }
        return max;
    }

    /// <summary>max|b|.</summary>
    public static double MaxAbs(ReadOnlySpan<float> values)
    {
        double max = 0;
        foreach (float v in values) max = Math.Max(max, Math.Abs((double)v));
        return max;
    }

    /// <summary>|a − b| / max(|b|, tiny).</summary>
    public static double Relative(double actual, double expected) => Math.Abs(actual - expected) / Math.Max(Math.Abs(expected), Tiny);
}
