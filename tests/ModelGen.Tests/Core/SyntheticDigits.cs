namespace ModelGen.Tests.Core;

/// <summary>
/// An MNIST-shaped stand-in for tests that must not need the real data: ten random 28×28 "prototype"
/// images in 0..1, and samples that are a prototype with noise and a quarter of its pixels dropped.
/// </summary>
public static class SyntheticDigits
{
    public const int Pixels = 784;

    public static (float[] Images, int[] Labels) Create(int count, ulong seed)
    {
        // The prototypes are the same for every call; the seed picks the samples.
        var prototypeRandom = new Xoshiro256StarStar(0x5EED);
        var prototypes = new float[10 * Pixels];
        for (int i = 0; i < prototypes.Length; i++) prototypes[i] = prototypeRandom.NextSingle() < 0.2f ? prototypeRandom.NextSingle() : 0f;
        var random = new Xoshiro256StarStar(seed);
        var images = new float[count * Pixels];
        var labels = new int[count];
        for (int s = 0; s < count; s++)
        {
            int label = random.NextInt32(10);
            labels[s] = label;
            for (int p = 0; p < Pixels; p++)
            {
                float value = random.NextSingle() < 0.25f ? 0f : prototypes[label * Pixels + p] + 0.3f * (random.NextSingle() - 0.5f);
                images[s * Pixels + p] = Math.Clamp(value, 0f, 1f);
            }
        }
        return (images, labels);
    }
}
