using System.IO.Compression;
using System.Security.Cryptography;
using ModelGen.Samples.Mnist.Acquisition;

namespace ModelGen.Mnist.Tests;

/// <summary>Small stand-ins for the MNIST files: random bytes with their SHA-256, so the hash checks run without the real data.</summary>
public static class SyntheticFiles
{
    /// <summary>A file named <paramref name="name"/> of <paramref name="length"/> random bytes, and its description.</summary>
    public static (MnistFile File, byte[] Content) Make(string name, int length, int seed)
    {
        var content = new byte[length];
        new Random(seed).NextBytes(content);
        return (new MnistFile(name, length, Convert.ToHexStringLower(SHA256.HashData(content))), content);
    }

    /// <summary>Two files, as a download test needs: a larger "images" file and a small "labels" file.</summary>
    public static (MnistFile File, byte[] Content)[] Pair() =>
        [Make("t10k-images-idx3-ubyte", 200_000, 1), Make("t10k-labels-idx1-ubyte", 3_000, 2)];

    /// <summary><paramref name="data"/> compressed with gzip.</summary>
    public static byte[] Gzip(byte[] data)
    {
        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.Fastest)) gzip.Write(data);
        return buffer.ToArray();
    }
}
