namespace ModelGen.Tests.Core;

/// <summary>
/// The depthwise convolution against <see cref="DepthwiseConvolutionReference"/> on odd geometries (windows, strides 1 and 2,
/// Valid and Same padding with the odd pad at the bottom/right, depth multipliers 1 and 2), its backward against central
/// differences of a double-precision forward, one core against all, no allocations, and checked arguments.
/// </summary>
[Collection(AllocationTestGroup.Name)]
public sealed class DepthwiseConvolutionKernelTests
{
    private static readonly ConvGeometry Large = ConvGeometry.Create(28, 28, 32, 3, 3, 1, 1, Padding.Same);
    private const int LargeBatch = 16;

    public static TheoryData<int, int, int, Padding, int, int, int> Cases()
    {
        var cases = new TheoryData<int, int, int, Padding, int, int, int>();
        foreach (var (kh, kw) in new[] { (3, 3), (5, 5), (3, 2), (1, 1) })
            foreach (int stride in new[] { 1, 2 })
                foreach (Padding padding in new[] { Padding.Same, Padding.Valid })
                    foreach (int channels in new[] { 1, 3, 17 })
                        foreach (int multiplier in new[] { 1, 2 })
                            cases.Add(kh, kw, stride, padding, channels, multiplier, channels == 3 ? 1 : 3);
        cases.Add(3, 3, 2, Padding.Same, 64, 1, 2);
        cases.Add(3, 3, 1, Padding.Same, 64, 2, 2);
        cases.Add(3, 3, 1, Padding.Valid, 8, 8, 2);
        return cases;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Forward_matches_the_reference(int kh, int kw, int stride, Padding padding, int channels, int multiplier, int batch)
    {
        ConvGeometry g = ConvCases.Geometry(kh, kw, stride, padding, channels);
        int outputs = channels * multiplier;
        float[] x = TestData.Uniform(batch * g.InputSize, 1), w = TestData.Uniform(kh * kw * outputs, 2), b = TestData.Uniform(outputs, 3);
        float[] expected = ConvCases.Garbage(batch * g.OutputPixels * outputs), actual = ConvCases.Garbage(expected.Length);
        DepthwiseConvolutionReference.Forward(x, w, b, expected, batch, g, multiplier);
        DepthwiseConvolution.Forward(x, w, b, actual, batch, g, multiplier);
        KernelAssert.Close(expected, actual, 1e-5, "y");
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Backward_matches_the_reference(int kh, int kw, int stride, Padding padding, int channels, int multiplier, int batch)
    {
        ConvGeometry g = ConvCases.Geometry(kh, kw, stride, padding, channels);
        int outputs = channels * multiplier, rows = batch * g.OutputPixels;
        float[] x = TestData.Uniform(batch * g.InputSize, 4), w = TestData.Uniform(kh * kw * outputs, 5), dz = TestData.Uniform(rows * outputs, 6);
        float[] dwE = new float[w.Length], dbE = new float[outputs], dxE = new float[x.Length];
        DepthwiseConvolutionReference.Backward(x, dz, w, dwE, dbE, dxE, batch, g, multiplier);
        float[] dw = ConvCases.Garbage(w.Length), db = ConvCases.Garbage(outputs), dx = ConvCases.Garbage(x.Length);
        DepthwiseConvolution.Backward(x, dz, w, dw, db, dx, batch, g, multiplier);
        // dW and db sum up to `rows` products in float.
        KernelAssert.Close(dwE, dw, 1e-5 * Math.Sqrt(rows), "dw");
        KernelAssert.Close(dbE, db, 1e-5 * Math.Sqrt(rows), "db");
        KernelAssert.Close(dxE, dx, 1e-5, "dx");
        // Without dx: the same parameter gradients, bit for bit.
        float[] dw2 = ConvCases.Garbage(w.Length), db2 = ConvCases.Garbage(outputs);
        DepthwiseConvolution.Backward(x, dz, w, dw2, db2, [], batch, g, multiplier);
        KernelAssert.BitIdentical<float>(dw, dw2, "dw without dx");
        KernelAssert.BitIdentical<float>(db, db2, "db without dx");
    }

    [Fact]
    public void Output_channels_are_ordered_c_times_M_plus_m()
    {
        // A 1×1 window: y[c·M + m] = x[c]·w[c, m] + b[c·M + m].
        ConvGeometry g = ConvGeometry.Create(2, 2, 3, 1, 1, 1, 1, Padding.Valid);
        float[] x = TestData.Uniform(g.InputSize, 7), w = [1, 2, 3, 4, 5, 6], b = [0.5f, 0, 0, 0, 0, -0.5f];
        var y = new float[4 * 6];
        DepthwiseConvolution.Forward(x, w, b, y, 1, g, 2);
        for (int p = 0; p < 4; p++)
            for (int c = 0; c < 3; c++)
                for (int m = 0; m < 2; m++)
                    Assert.Equal(x[p * 3 + c] * w[c * 2 + m] + b[c * 2 + m], y[p * 6 + c * 2 + m], 6);
    }

    private static double[] DoubleForward(double[] x, double[] w, double[] b, int batch, in ConvGeometry g, int m)
    {
        int c = g.Channels, outputs = c * m;
        var y = new double[batch * g.OutputPixels * outputs];
        for (int n = 0; n < batch; n++)
            for (int oy = 0; oy < g.OutputHeight; oy++)
                for (int ox = 0; ox < g.OutputWidth; ox++)
                    for (int j = 0; j < outputs; j++)
                    {
                        double sum = b[j];
                        for (int ky = 0; ky < g.WindowHeight; ky++)
                            for (int kx = 0; kx < g.WindowWidth; kx++)
                            {
                                int iy = oy * g.StrideHeight - g.PadTop + ky, ix = ox * g.StrideWidth - g.PadLeft + kx;
                                if (iy < 0 || iy >= g.InputHeight || ix < 0 || ix >= g.InputWidth) continue;
                                sum += x[n * g.InputSize + (iy * g.InputWidth + ix) * c + j / m] * w[(ky * g.WindowWidth + kx) * outputs + j];
                            }
                        y[((n * g.OutputHeight + oy) * g.OutputWidth + ox) * outputs + j] = sum;
                    }
        return y;
    }

    [Theory]
    [InlineData(5, 4, 3, 3, 3, 2, Padding.Same, 2, 2)]
    [InlineData(6, 5, 2, 3, 2, 1, Padding.Valid, 1, 3)]
    [InlineData(4, 4, 4, 2, 2, 2, Padding.Same, 1, 1)]
    [InlineData(5, 5, 1, 5, 5, 1, Padding.Same, 1, 2)]
    [InlineData(5, 5, 1, 5, 5, 2, Padding.Same, 2, 2)]
    public void Backward_matches_finite_differences(int h, int wd, int channels, int kh, int kw, int stride, Padding padding, int multiplier, int batch)
    {
        ConvGeometry g = ConvGeometry.Create(h, wd, channels, kh, kw, stride, stride, padding);
        int outputs = channels * multiplier;
        float[] xf = TestData.Uniform(batch * g.InputSize, 8), wf = TestData.Uniform(kh * kw * outputs, 9), bf = TestData.Uniform(outputs, 10);
        float[] r = TestData.Uniform(batch * g.OutputPixels * outputs, 11);
        float[] dw = new float[wf.Length], db = new float[outputs], dx = new float[xf.Length];
        DepthwiseConvolution.Backward(xf, r, wf, dw, db, dx, batch, g, multiplier);

        double[] x = xf.Select(v => (double)v).ToArray(), w = wf.Select(v => (double)v).ToArray(), b = bf.Select(v => (double)v).ToArray();
        double Loss()
        {
            double[] y = DoubleForward(x, w, b, batch, g, multiplier);
            double loss = 0;
            for (int i = 0; i < y.Length; i++) loss += r[i] * y[i];
            return loss;
        }
        const double step = 1e-4;
        double[] Numerical(double[] values)
        {
            var gradient = new double[values.Length];
            for (int i = 0; i < values.Length; i++)
            {
                double saved = values[i];
                values[i] = saved + step;
                double plus = Loss();
                values[i] = saved - step;
                double minus = Loss();
                values[i] = saved;
                gradient[i] = (plus - minus) / (2 * step);
            }
            return gradient;
        }
        NormalizationKernelTests.AssertGradient(Numerical(x), dx, 1e-5, "dx");
        NormalizationKernelTests.AssertGradient(Numerical(w), dw, 1e-5, "dw");
        NormalizationKernelTests.AssertGradient(Numerical(b), db, 1e-5, "db");
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void Multi_core_results_are_bit_identical_to_one_core(int multiplier)
    {
        int outputs = Large.Channels * multiplier;
        float[] x = TestData.Uniform(LargeBatch * Large.InputSize, 12), w = TestData.Uniform(9 * outputs, 13), b = TestData.Uniform(outputs, 14);
        float[] dz = TestData.Uniform(LargeBatch * Large.OutputPixels * outputs, 15);
        float[][] Run()
        {
            float[] y = ConvCases.Garbage(dz.Length), dw = ConvCases.Garbage(w.Length), db = ConvCases.Garbage(outputs), dx = ConvCases.Garbage(x.Length);
            DepthwiseConvolution.Forward(x, w, b, y, LargeBatch, Large, multiplier);
            DepthwiseConvolution.Backward(x, dz, w, dw, db, dx, LargeBatch, Large, multiplier);
            return [y, dw, db, dx];
        }
        long before = Kernels.ParallelCallsOnThisThread;
        float[][] parallel = Run();
        bool split = Kernels.ParallelCallsOnThisThread > before;
        float[][] serial;
        Kernels.AllowParallel = false;
        try { serial = Run(); }
        finally { Kernels.AllowParallel = true; }
        string[] names = ["y", "dw", "db", "dx"];
        for (int i = 0; i < serial.Length; i++) KernelAssert.BitIdentical<float>(serial[i], parallel[i], names[i]);
        Assert.True(split || Kernels.Threads == 1, "the large calls were not split across the cores");
    }

    [Theory]
    [InlineData("Forward", 1)]
    [InlineData("Forward", 2)]
    [InlineData("Backward", 1)]
    [InlineData("Backward", 2)]
    [InlineData("BackwardWithoutDx", 1)]
    public void Kernel_allocates_nothing(string kernel, int multiplier)
    {
        int outputs = Large.Channels * multiplier;
        float[] x = TestData.Uniform(LargeBatch * Large.InputSize, 16), w = TestData.Uniform(9 * outputs, 17), b = new float[outputs];
        float[] y = new float[LargeBatch * Large.OutputPixels * outputs], dw = new float[w.Length], db = new float[outputs], dx = new float[x.Length];
        Action action = kernel switch
        {
            "Forward" => () => DepthwiseConvolution.Forward(x, w, b, y, LargeBatch, Large, multiplier),
            "Backward" => () => DepthwiseConvolution.Backward(x, y, w, dw, db, dx, LargeBatch, Large, multiplier),
            _ => () => DepthwiseConvolution.Backward(x, y, w, dw, db, [], LargeBatch, Large, multiplier),
        };
        Assert.Equal(0, AllocationMeter.Measure(action, repetitions: 5));
    }

    [Fact]
    public void Short_spans_and_bad_arguments_are_refused()
    {
        ConvGeometry g = ConvGeometry.Create(5, 5, 3, 3, 3, 1, 1, Padding.Same);
        const int m = 2, batch = 2;
        int image = batch * g.InputSize, outputs = batch * g.OutputPixels * 6, weights = 9 * 6;
        void Forward(int x = -1, int w = -1, int b = -1, int y = -1, int multiplier = m) =>
            DepthwiseConvolution.Forward(new float[x < 0 ? image : x], new float[w < 0 ? weights : w], new float[b < 0 ? 6 : b],
                new float[y < 0 ? outputs : y], batch, g, multiplier);
        void Backward(int x = -1, int dz = -1, int w = -1, int dw = -1, int db = -1, int dx = -1) =>
            DepthwiseConvolution.Backward(new float[x < 0 ? image : x], new float[dz < 0 ? outputs : dz], new float[w < 0 ? weights : w],
                new float[dw < 0 ? weights : dw], new float[db < 0 ? 6 : db], new float[dx < 0 ? image : dx], batch, g, m);
        Forward();
        Backward();
        Backward(dx: 0); // no input gradient
        foreach (var (name, call) in new (string, Action)[]
        {
            ("x", () => Forward(x: image - 1)), ("weights", () => Forward(w: weights - 1)), ("biases", () => Forward(b: 5)),
            ("y", () => Forward(y: outputs - 1)), ("dz", () => Backward(dz: outputs - 1)), ("weightGradient", () => Backward(dw: weights - 1)),
            ("biasGradient", () => Backward(db: 5)), ("dx", () => Backward(dx: image - 1)), ("x", () => Backward(x: image - 1)),
        })
        {
            var e = Assert.Throws<ArgumentException>(call);
            Assert.Equal(name, e.ParamName);
        }
        Assert.Throws<ArgumentOutOfRangeException>(() => Forward(multiplier: 0));
        Assert.Throws<ArgumentException>(() => DepthwiseConvolution.Forward(new float[image], new float[weights], new float[6], new float[outputs], batch, g with { PadLeft = 3 }, m));
    }
}
