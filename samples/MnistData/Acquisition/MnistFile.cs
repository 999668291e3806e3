using ModelGen.Samples.Mnist.Data;

namespace ModelGen.Samples.Mnist.Acquisition;

/// <summary>
/// One of the four MNIST files, with the length and SHA-256 of its uncompressed bytes. The hashes
/// are of the raw IDX files, so they check a gzip download after decompression just as well.
/// </summary>
public sealed record MnistFile(string Name, long Length, string Sha256)
{
    /// <summary>The training images, 60 000 × 28 × 28 bytes.</summary>
    public static MnistFile TrainImages { get; } =
        new(MnistData.TrainImagesName, 47_040_016, "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db");

    /// <summary>The training labels, 60 000 bytes.</summary>
    public static MnistFile TrainLabels { get; } =
        new(MnistData.TrainLabelsName, 60_008, "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5");

    /// <summary>The test images, 10 000 × 28 × 28 bytes.</summary>
    public static MnistFile TestImages { get; } =
        new(MnistData.TestImagesName, 7_840_016, "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7");

    /// <summary>The test labels, 10 000 bytes.</summary>
    public static MnistFile TestLabels { get; } =
        new(MnistData.TestLabelsName, 10_008, "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2");

    /// <summary>All four, in the order they are fetched.</summary>
    public static IReadOnlyList<MnistFile> All { get; } = [TrainImages, TrainLabels, TestImages, TestLabels];

    /// <summary>The name mirrors serve the file under.</summary>
    public string GzipName => Name + ".gz";
}
