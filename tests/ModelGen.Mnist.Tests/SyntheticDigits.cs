using ModelGen.Samples.Mnist.Data;

namespace ModelGen.Mnist.Tests;

/// <summary>
/// A toy 28×28, 10-class set that a network learns in a few epochs: class c lights up row band
/// c·2..c·2+2 (with noise everywhere), so training tests need no real data.
/// </summary>
public static class SyntheticDigits
{
    /// <summary><paramref name="count"/> noisy images with their classes.</summary>
    public static MnistSet Make(int count, int seed)
    {
        var random = new Random(seed);
        var pixels = new float[count * MnistData.PixelsPerImage];
        var labels = new int[count];
        for (int i = 0; i < count; i++)
        {
            int label = random.Next(MnistData.Classes);
            labels[i] = label;
            Span<float> image = pixels.AsSpan(i * MnistData.PixelsPerImage, MnistData.PixelsPerImage);
            for (int p = 0; p < image.Length; p++) image[p] = (float)random.NextDouble() * 0.3f;
            for (int row = 2 * label + 4; row < 2 * label + 6; row++)
            for (int x = 0; x < MnistData.Columns; x++)
                image[row * MnistData.Columns + x] = 1f;
        }
        return new MnistSet(pixels, labels);
    }
}
