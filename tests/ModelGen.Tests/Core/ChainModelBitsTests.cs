using System.Security.Cryptography;
using ModelGen.Tests.Models;

namespace ModelGen.Tests.Core;

/// <summary>
/// The chain models' training must give the same bits as before the ResNet kernel work (saved models
/// are bit-identical across that change): a few Adam steps of the MNIST MLP and Keras' convnet at
/// batches 32 and 128 from a fixed seed, hashed parameter by parameter. The hashes were recorded on
/// main before the change (e6c59b2); the kernels the ResNet paths added either keep the old summation
/// order or are confined to shapes these models never reach.
/// </summary>
public sealed class ChainModelBitsTests
{
    private static readonly (float[] Images, int[] Labels) Data = SyntheticDigits.Create(256, seed: 41);

    private static string Hash(float[] parameters)
    {
        var bytes = new byte[parameters.Length * sizeof(float)];
        Buffer.BlockCopy(parameters, 0, bytes, 0, bytes.Length);
        return Convert.ToHexString(SHA256.HashData(bytes));
    }

    private static string TrainMlp(int batch)
    {
        var model = new MnistMlp(seed: 7);
        var workspace = new MnistMlp.Workspace(batch);
        var adam = new Adam(1e-3f);
        for (int step = 0; step < 4; step++)
        {
            int start = step * batch % (Data.Labels.Length - batch + 1);
            model.TrainStep(workspace, Data.Images.AsSpan(start * 784, batch * 784), Data.Labels.AsSpan(start, batch), adam);
        }
        return Hash(model.Parameters);
    }

    private static string TrainConvNet(int batch)
    {
        var model = new MnistConvNet(seed: 7);
        var workspace = new MnistConvNet.Workspace(batch);
        var adam = new Adam(1e-3f);
        for (int step = 0; step < 3; step++)
        {
            int start = step * batch % (Data.Labels.Length - batch + 1);
            model.TrainStep(workspace, Data.Images.AsSpan(start * 784, batch * 784), Data.Labels.AsSpan(start, batch), adam);
        }
        return Hash(model.Parameters);
    }

    [Theory]
    [InlineData(32, "MLP32")]
    [InlineData(128, "MLP128")]
    public void Mlp_training_gives_the_recorded_bits(int batch, string key) =>
        Assert.Equal(Expected(key), TrainMlp(batch)[..40]);

    [Theory]
    [InlineData(32, "CONV32")]
    [InlineData(128, "CONV128")]
    public void Convnet_training_gives_the_recorded_bits(int batch, string key) =>
        Assert.Equal(Expected(key), TrainConvNet(batch)[..40]);

    // The first 160 bits of the SHA-256, recorded on main (e6c59b2) before the change under the default
    // AVX-512 path, DOTNET_EnableAVX512=0, DOTNET_EnableAVX2=0 and DOTNET_EnableHWIntrinsic=0: the
    // multiply-adds are fused with FMA and separate without, so there are two sets; every vector width
    // gives the same bits within a set.
    private static string Expected(string key) => (VectorPath.FusedMultiplyAdd, key) switch
    {
        (true, "MLP32") => "9EB9B8F3775E29C00349B27DF7B650C978824C97",
        (true, "MLP128") => "2507EB092784C31915D7118862923C1C980DC954",
        (true, "CONV32") => "4AC0A0AA1EED818903C527718DE194B59791DA18",
        (true, "CONV128") => "E5F41F43A263144B515231FFE804C09EFD9F7998",
        (false, "MLP32") => "C6D42FA43DACABA97D2E71FD2592014BD2741C9F",
        (false, "MLP128") => "88210B5D3401611678003285F15EDB062B681369",
        (false, "CONV32") => "0BFC2488ECE22EE3027267A633C46B0CE1F11FCB",
        (false, "CONV128") => "0E7BAC94B0C7EA2798FDA4B53190858AE8C341E4",
        _ => throw new ArgumentException(key),
    };
}
