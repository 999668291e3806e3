namespace ModelGen.Tests.Core;

/// <summary>
/// Odd window geometries on a 17×13 image for the convolution and pooling kernel tests: windows 1×1, 5×5,
/// 3×2 and 2×2, strides 1 and 2, Same and Valid padding, 1, 3 and 11 channels (11 reaches the 8-lane and
/// 4-lane channel blocks and their overlapping last block), batches 1 and 5.
/// </summary>
public static class ConvCases
{
    public const int Height = 17, Width = 13;

    public static TheoryData<int, int, int, Padding, int, int> All()
    {
        var cases = new TheoryData<int, int, int, Padding, int, int>();
        foreach (var (kh, kw) in new[] { (1, 1), (5, 5), (3, 2), (2, 2) })
            foreach (int stride in new[] { 1, 2 })
                foreach (Padding padding in new[] { Padding.Same, Padding.Valid })
                    foreach (int channels in new[] { 1, 3, 11 })
                        foreach (int batch in new[] { 1, 5 })
                            cases.Add(kh, kw, stride, padding, channels, batch);
        return cases;
    }

    public static ConvGeometry Geometry(int kh, int kw, int stride, Padding padding, int channels) =>
        ConvGeometry.Create(Height, Width, channels, kh, kw, stride, stride, padding);

    /// <summary>Values filled with NaN, so a test sees any value a kernel should have overwritten but did not.</summary>
    public static float[] Garbage(int count)
    {
        var values = new float[count];
        values.AsSpan().Fill(float.NaN);
        return values;
    }
}
