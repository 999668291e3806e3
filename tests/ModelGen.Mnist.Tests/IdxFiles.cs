using System.Buffers.Binary;
using System.IO.Compression;
using ModelGen.Samples.Mnist.Data;

namespace ModelGen.Mnist.Tests;

/// <summary>Writes a dataset as the four IDX files of MNIST's layout, for --data tests.</summary>
public static class IdxFiles
{
    /// <summary>Writes <paramref name="train"/> and <paramref name="test"/> into <paramref name="folder"/>; the test images gzip-compressed.</summary>
    public static void Write(string folder, MnistSet train, MnistSet test)
    {
        WriteImages(Path.Combine(folder, MnistData.TrainImagesName), train, gzip: false);
        WriteLabels(Path.Combine(folder, MnistData.TrainLabelsName), train);
        WriteImages(Path.Combine(folder, MnistData.TestImagesName + ".gz"), test, gzip: true);
        WriteLabels(Path.Combine(folder, MnistData.TestLabelsName), test);
    }

    private static void WriteImages(string path, MnistSet set, bool gzip)
    {
        var bytes = new byte[16 + set.Pixels.Length];
        BinaryPrimitives.WriteInt32BigEndian(bytes, 0x0803);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4), set.Count);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(8), MnistData.Rows);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(12), MnistData.Columns);
        for (int i = 0; i < set.Pixels.Length; i++) bytes[16 + i] = (byte)Math.Round(set.Pixels[i] * 255);
        File.WriteAllBytes(path, gzip ? SyntheticFiles.Gzip(bytes) : bytes);
    }

    private static void WriteLabels(string path, MnistSet set)
    {
        var bytes = new byte[8 + set.Count];
        BinaryPrimitives.WriteInt32BigEndian(bytes, 0x0801);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4), set.Count);
        for (int i = 0; i < set.Count; i++) bytes[8 + i] = (byte)set.Labels[i];
        File.WriteAllBytes(path, bytes);
    }
}
