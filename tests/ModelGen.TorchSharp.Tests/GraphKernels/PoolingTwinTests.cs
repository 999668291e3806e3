using Xunit.Abstractions;
using static TorchSharp.torch;

namespace ModelGen.ReferenceTests.GraphKernels;

/// <summary>
/// <see cref="Pooling.AveragePool"/> against avg_pool2d (count_include_pad true and false, strides 1 and 2, padding 0 and 1),
/// and <see cref="Pooling.GlobalAveragePool"/> against adaptive_avg_pool2d(x, 1): outputs and autograd's input gradients.
/// </summary>
public class PoolingTwinTests(ITestOutputHelper output)
{
    /// <summary>batch, height, width, channels, window, stride, padding (symmetric, PyTorch's), count_include_pad.</summary>
    public static TheoryData<int, int, int, int, int, int, int, bool> Windows()
    {
        var cases = new TheoryData<int, int, int, int, int, int, int, bool>();
        foreach (bool includePad in new[] { true, false })
        {
            cases.Add(2, 7, 6, 3, 3, 1, 1, includePad);
            cases.Add(2, 7, 6, 3, 3, 2, 1, includePad);
            cases.Add(3, 9, 9, 17, 3, 2, 1, includePad);
            cases.Add(1, 8, 5, 64, 2, 2, 1, includePad);
            cases.Add(2, 6, 6, 5, 2, 2, 0, includePad);
            cases.Add(1, 5, 7, 1, 3, 1, 0, includePad);
        }
        return cases;
    }

    [Theory]
    [MemberData(nameof(Windows))]
    public void AveragePool_matches_avg_pool2d(int n, int h, int w, int c, int window, int stride, int padding, bool includePad)
    {
        TorchRuntime.Require();
        int outH = (h + 2 * padding - window) / stride + 1, outW = (w + 2 * padding - window) / stride + 1;
        var g = new ConvGeometry(h, w, c, window, window, stride, stride, padding, padding, outH, outW);
        float[] x = BatchNormTwinTests.Data(n * g.InputSize, 31, -1f, 1f), dy = BatchNormTwinTests.Data(n * g.OutputPixels * c, 32, -1f, 1f);
        var y = new float[dy.Length];
        var dx = new float[x.Length];
        Pooling.AveragePool(x, y, n, g, includePad);
        Pooling.AveragePoolBackward(dy, dx, n, g, includePad);

        using var scope = NewDisposeScope();
        Tensor tx = GraphTwin.Nchw(x, n, h, w, c, true);
        Tensor ty = nn.functional.avg_pool2d(tx, [window, window], [stride, stride], [padding, padding], false, includePad);
        Assert.Equal([n, c, outH, outW], ty.shape);
        (ty * GraphTwin.Nchw(dy, n, outH, outW, c)).sum().backward();

        output.WriteLine($"avg_pool2d {n}×{c}×{h}×{w}, window {window}, stride {stride}, padding {padding}, count_include_pad {includePad}");
        var checks = new GraphTwin.Checks(output, "avg_pool2d");
        checks.Add("y", y, GraphTwin.Nhwc(ty));
        checks.Add("dx", dx, GraphTwin.Nhwc(GraphTwin.Grad(tx)));
        checks.Assert();
    }

    [Theory]
    [InlineData(1, 1, 1, 3)]
    [InlineData(2, 7, 5, 17)]
    [InlineData(3, 4, 4, 64)]
    [InlineData(5, 3, 6, 1)]
    public void GlobalAveragePool_matches_adaptive_avg_pool2d(int n, int h, int w, int c)
    {
        TorchRuntime.Require();
        int pixels = h * w;
        float[] x = BatchNormTwinTests.Data(n * pixels * c, 33, -1f, 1f), dy = BatchNormTwinTests.Data(n * c, 34, -1f, 1f);
        var y = new float[n * c];
        var dx = new float[x.Length];
        Pooling.GlobalAveragePool(x, y, n, pixels, c);
        Pooling.GlobalAveragePoolBackward(dy, dx, n, pixels, c);

        using var scope = NewDisposeScope();
        Tensor tx = GraphTwin.Nchw(x, n, h, w, c, true);
        Tensor ty = nn.functional.adaptive_avg_pool2d(tx, [1, 1]).reshape(n, c);
        (ty * tensor(dy, [n, c])).sum().backward();

        var checks = new GraphTwin.Checks(output, $"adaptive_avg_pool2d {n}×{c}×{h}×{w}");
        checks.Add("y", y, TorchTwin.Values(ty.detach()));
        checks.Add("dx", dx, GraphTwin.Nhwc(GraphTwin.Grad(tx)));
        checks.Assert();
    }
}
