using Xunit.Abstractions;
using static TorchSharp.torch;

namespace ModelGen.ReferenceTests.GraphKernels;

/// <summary>
/// <see cref="Activations.ReLU6"/> and its backward against relu6 with autograd (libtorch computes it as hardtanh(0, 6), whose
/// backward passes the gradient strictly inside (0, 6)), boundary values included; and the forward against clamp(0, 6).
/// </summary>
/// <remarks>
/// TorchSharp 0.107's own hardtanh (nn.functional.hardtanh(x, 0, 6), nn.Hardtanh(0, 6) and Tensor.hardtanh(0, 6)) returned
/// its input unchanged here, so it cannot serve as the reference; relu6 goes through libtorch's hardtanh and is correct.
/// clamp's backward passes the gradient at the bounds too, so only its forward is compared.
/// </remarks>
public class ReLU6TwinTests(ITestOutputHelper output)
{
    private static (float[] Z, float[] Dy) Data(int length)
    {
        float[] z = BatchNormTwinTests.Data(length, 51, -3f, 9f);
        float[] boundaries = [0f, 6f, -0f, 5.9999995f, 6.0000005f, 1e-30f];
        for (int i = 0; i < length; i += 7) z[i] = boundaries[i / 7 % boundaries.Length];
        return (z, BatchNormTwinTests.Data(length, 52, -1f, 1f));
    }

    [Theory]
    [InlineData(3)]
    [InlineData(37)]
    [InlineData(1000)]
    public void ReLU6_matches_relu6_with_autograd(int length)
    {
        TorchRuntime.Require();
        var (z, dy) = Data(length);
        float[] y = (float[])z.Clone();
        Activations.ReLU6(y);
        float[] dx = (float[])dy.Clone();
        Activations.ReLU6Backward(y, dx);

        using var scope = NewDisposeScope();
        Tensor tz = GraphTwin.Leaf(z, [length], true);
        Tensor ty = nn.functional.relu6(tz);
        (ty * tensor(dy, [length])).sum().backward();
        var checks = new GraphTwin.Checks(output, "relu6");
        checks.Add("y", y, TorchTwin.Values(ty.detach()));
        checks.Add("dx", dx, TorchTwin.Values(GraphTwin.Grad(tz)));
        checks.Assert();
        // Clipping is exact, and the gradient is dy or 0: both equal bit for bit.
        Assert.Equal(TorchTwin.Values(ty.detach()), y);
        Assert.Equal(TorchTwin.Values(GraphTwin.Grad(tz)), dx);
    }

    [Fact]
    public void ReLU6_matches_clamp()
    {
        TorchRuntime.Require();
        var (z, _) = Data(1000);
        float[] y = (float[])z.Clone();
        Activations.ReLU6(y);
        using var scope = NewDisposeScope();
        Assert.Equal(TorchTwin.Values(clamp(tensor(z, [1000]), 0, 6)), y);
    }
}
