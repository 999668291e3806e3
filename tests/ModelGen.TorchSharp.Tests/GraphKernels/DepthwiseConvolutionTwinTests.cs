using Xunit.Abstractions;
using static TorchSharp.torch;

namespace ModelGen.ReferenceTests.GraphKernels;

/// <summary>
/// <see cref="DepthwiseConvolution"/> against conv2d(groups = C) with weight [C·M, 1, kh, kw] (ours [kh, kw, C, M] transposed):
/// outputs and autograd's gradients with respect to the input, weight and bias; depth multipliers 1 and 2, strides 1 and 2,
/// PyTorch's symmetric padding and Keras' 'same' with the odd pad at the bottom/right (padded explicitly for PyTorch).
/// </summary>
public class DepthwiseConvolutionTwinTests(ITestOutputHelper output)
{
    /// <summary>batch, height, width, channels, kh, kw, stride, multiplier, padding (-1 = Keras 'same', else symmetric).</summary>
    public static TheoryData<int, int, int, int, int, int, int, int, int> Cases()
    {
        var cases = new TheoryData<int, int, int, int, int, int, int, int, int>();
        foreach (int multiplier in new[] { 1, 2 })
            foreach (int stride in new[] { 1, 2 })
            {
                cases.Add(2, 7, 6, 3, 3, 3, stride, multiplier, 1);
                cases.Add(3, 8, 8, 17, 3, 3, stride, multiplier, -1);
                cases.Add(1, 6, 9, 8, 3, 2, stride, multiplier, 0);
                cases.Add(2, 5, 5, 1, 5, 5, stride, multiplier, 2);
            }
        cases.Add(2, 10, 10, 64, 3, 3, 2, 1, -1);
        cases.Add(1, 5, 5, 1, 5, 5, 1, 1, 2);
        cases.Add(2, 5, 5, 2, 5, 5, 1, 1, 2);
        return cases;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Depthwise_matches_grouped_conv2d(int n, int h, int w, int c, int kh, int kw, int stride, int m, int padding)
    {
        TorchRuntime.Require();
        ConvGeometry g = padding < 0
            ? ConvGeometry.Create(h, w, c, kh, kw, stride, stride, Padding.Same)
            : new ConvGeometry(h, w, c, kh, kw, stride, stride, padding, padding,
                (h + 2 * padding - kh) / stride + 1, (w + 2 * padding - kw) / stride + 1);
        int outputs = c * m;
        float[] x = BatchNormTwinTests.Data(n * g.InputSize, 41, -1f, 1f), weights = BatchNormTwinTests.Data(kh * kw * outputs, 42, -1f, 1f);
        float[] biases = BatchNormTwinTests.Data(outputs, 43, -1f, 1f), dz = BatchNormTwinTests.Data(n * g.OutputPixels * outputs, 44, -1f, 1f);
        var y = new float[dz.Length];
        float[] dw = new float[weights.Length], db = new float[outputs], dx = new float[x.Length];
        DepthwiseConvolution.Forward(x, weights, biases, y, n, g, m);
        DepthwiseConvolution.Backward(x, dz, weights, dw, db, dx, n, g, m);

        using var scope = NewDisposeScope();
        Tensor tx = GraphTwin.Nchw(x, n, h, w, c, true);
        Tensor tw = tensor(weights, [kh, kw, outputs]).permute(2, 0, 1).unsqueeze(1).contiguous().requires_grad_(true);
        Tensor tb = GraphTwin.Leaf(biases, [outputs], true);
        Tensor input = tx;
        long[] torchPadding = [0, 0];
        if (padding < 0)
        {
            // Keras 'same': the odd pad goes to the bottom/right, which conv2d's symmetric padding cannot say.
            input = nn.functional.pad(tx, [g.PadLeft, g.PadRight(), g.PadTop, g.PadBottom()]);
        }
        else torchPadding = [padding, padding];
        Tensor ty = nn.functional.conv2d(input, tw, tb, [stride, stride], torchPadding, [1, 1], c);
        Assert.Equal([n, outputs, g.OutputHeight, g.OutputWidth], ty.shape);
        (ty * GraphTwin.Nchw(dz, n, g.OutputHeight, g.OutputWidth, outputs)).sum().backward();

        output.WriteLine($"conv2d groups={c}, {n}×{c}×{h}×{w}, window {kh}×{kw}, stride {stride}, multiplier {m}, padding {(padding < 0 ? "same" : padding)}");
        var checks = new GraphTwin.Checks(output, "depthwise conv2d");
        checks.Add("y", y, GraphTwin.Nhwc(ty));
        // Torch's weight gradient [C·M, 1, kh, kw] → ours [kh, kw, C, M].
        checks.Add("dweight", dw, TorchTwin.Values(GraphTwin.Grad(tw).reshape(outputs, kh, kw).permute(1, 2, 0)));
        checks.Add("dbias", db, TorchTwin.Values(GraphTwin.Grad(tb)));
        if (c > 1) checks.Add("dx", dx, GraphTwin.Nhwc(GraphTwin.Grad(tx)));
        else
        {
            // One channel makes conv2d an ordinary convolution (groups = 1), and there libtorch 2.10's float32 CPU input
            // gradient (also conv_transpose2d's output) came out wrong here: zeros and unrelated values, while y and the
            // weight gradient agree and float64 agrees with ours (and with central differences, see the core tests).
            // So dx is compared with the same graph in float64.
            output.WriteLine($"  dx (float32 autograd, known wrong for one channel): error {Compare.RelativeToMax(dx, GraphTwin.Nhwc(GraphTwin.Grad(tx))):E2}");
            Tensor xd = GraphTwin.Nchw(x, n, h, w, c).to_type(ScalarType.Float64).requires_grad_(true);
            Tensor inputD = padding < 0 ? nn.functional.pad(xd, [g.PadLeft, g.PadRight(), g.PadTop, g.PadBottom()]) : xd;
            Tensor yd = nn.functional.conv2d(inputD, tw.detach().to_type(ScalarType.Float64), tb.detach().to_type(ScalarType.Float64),
                [stride, stride], torchPadding, [1, 1], c);
            (yd * GraphTwin.Nchw(dz, n, g.OutputHeight, g.OutputWidth, outputs).to_type(ScalarType.Float64)).sum().backward();
            checks.Add("dx (float64 autograd)", dx, GraphTwin.Nhwc(GraphTwin.Grad(xd).to_type(ScalarType.Float32)));
        }
        checks.Assert();
    }
}

internal static class GeometryPadding
{
    /// <summary>Padding after the last row: what the output size needs beyond the input and the top padding.</summary>
    public static int PadBottom(this ConvGeometry g) => Math.Max((g.OutputHeight - 1) * g.StrideHeight + g.WindowHeight - g.InputHeight - g.PadTop, 0);

    /// <summary>Padding after the last column.</summary>
    public static int PadRight(this ConvGeometry g) => Math.Max((g.OutputWidth - 1) * g.StrideWidth + g.WindowWidth - g.InputWidth - g.PadLeft, 0);
}
