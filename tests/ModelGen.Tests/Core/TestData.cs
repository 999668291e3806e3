namespace ModelGen.Tests.Core;

/// <summary>Deterministic random batches for tests.</summary>
public static class TestData
{
    public static float[] Uniform(int count, ulong seed, float low = -1f, float high = 1f)
    {
        var random = new Xoshiro256StarStar(seed);
        var values = new float[count];
        for (int i = 0; i < count; i++) values[i] = low + (high - low) * random.NextSingle();
        return values;
    }

    public static int[] Labels(int count, int classes, ulong seed)
    {
        var random = new Xoshiro256StarStar(seed);
        var labels = new int[count];
        for (int i = 0; i < count; i++) labels[i] = random.NextInt32(classes);
        return labels;
    }
}
