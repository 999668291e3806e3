namespace ModelGen.Samples.Mnist.Data;

/// <summary>One split of an MNIST-format dataset (training or test), ready to feed to a model.</summary>
public sealed class MnistSet
{
    /// <summary>Wraps pixels [count, 784] scaled to 0..1 and labels 0..9.</summary>
    public MnistSet(float[] pixels, int[] labels)
    {
        ArgumentNullException.ThrowIfNull(pixels);
        ArgumentNullException.ThrowIfNull(labels);
        if ((long)labels.Length * MnistData.PixelsPerImage != pixels.Length)
            throw new ArgumentException($"{labels.Length} labels need {(long)labels.Length * MnistData.PixelsPerImage} pixels; got {pixels.Length}.", nameof(pixels));
        Pixels = pixels;
        Labels = labels;
    }

    /// <summary>The number of images.</summary>
    public int Count => Labels.Length;

    /// <summary>The pixels, [Count, 784] row-major, each 0..1 (the byte divided by 255).</summary>
    public float[] Pixels { get; }

    /// <summary>The digit of each image, 0..9.</summary>
    public int[] Labels { get; }

    /// <summary>The 784 pixels of image <paramref name="index"/>.</summary>
    public ReadOnlySpan<float> Image(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Count);
        return Pixels.AsSpan(index * MnistData.PixelsPerImage, MnistData.PixelsPerImage);
    }
}
