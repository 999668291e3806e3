namespace ModelGen.Onnx.Tests.Harness;

/// <summary>Element-wise comparison with a message that says where the largest difference is.</summary>
public static class Compare
{
    /// <summary>The tolerance of issue 6: ONNX Runtime's outputs equal ours within 1e-5.</summary>
    public const float Tolerance = 1e-5f;

    /// <summary>Fails unless both arrays have the same length and differ by at most <paramref name="tolerance"/> everywhere.</summary>
    public static void Within(float[] expected, float[] actual, int columns, string what, float tolerance = Tolerance)
    {
        Assert.Equal(expected.Length, actual.Length);
        float worst = 0f;
        int at = -1;
        for (int i = 0; i < expected.Length; i++)
        {
            float difference = MathF.Abs(expected[i] - actual[i]);
            // NaN must fail: it compares false with everything, so test it explicitly.
            if (float.IsNaN(difference) || difference > worst)
            {
                worst = float.IsNaN(difference) ? float.PositiveInfinity : difference;
                at = i;
            }
        }
        if (worst <= tolerance) return;
        Assert.Fail(
            $"{what}: max abs difference {worst:G3} > {tolerance:G3} at row {at / columns}, column {at % columns} (ours {expected[at]:R}, ONNX Runtime {actual[at]:R}).");
    }
}
