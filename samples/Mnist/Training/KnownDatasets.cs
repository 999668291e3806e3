using System.Runtime.InteropServices;
using System.Security.Cryptography;
using ModelGen.Samples.Mnist.Data;

namespace ModelGen.Samples.Mnist.Training;

/// <summary>
/// The datasets in MNIST's format whose recipes the sample knows, recognised by their training labels (whatever
/// folder or compression they come in): a network's recipe for Fashion-MNIST can differ from its MNIST one.
/// </summary>
public static class KnownDatasets
{
    /// <summary>MNIST's name.</summary>
    public const string Mnist = "MNIST";

    /// <summary>Fashion-MNIST's name.</summary>
    public const string FashionMnist = "Fashion-MNIST";

    // SHA-256 of the 60,000 training labels as little-endian int32s.
    private const string MnistLabels = "ba2e26c82ab7a46fbcd5ec6de8eee4d541cf3829f5050669177da23b515defeb";
    private const string FashionMnistLabels = "d69b1d6e0b8064974aa5aecc2786f961b8b2be829ee3a39dd8989efee46cad5a";

    /// <summary>The dataset <paramref name="data"/> is, or null for one the sample has no recipe for.</summary>
    public static string? Identify(MnistData data)
    {
        string labels = Convert.ToHexStringLower(SHA256.HashData(MemoryMarshal.AsBytes(data.Train.Labels.AsSpan())));
        return labels switch
        {
            MnistLabels => Mnist,
            FashionMnistLabels => FashionMnist,
            _ => null,
        };
    }
}
