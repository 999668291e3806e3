namespace ModelGen.Tests.Core;

/// <summary>
/// Batch normalization against <see cref="NormalizationReference"/> on odd shapes (statistics and gradient sums bit for
/// bit, element-wise results within float rounding), its training backward against central differences of a
/// double-precision forward, the running statistics after three steps against their closed form, PyTorch's refusal
/// of a single row, no allocations, and checked arguments.
/// </summary>
[Collection(AllocationTestGroup.Name)]
public sealed class NormalizationKernelTests
{
    private const float Momentum = 0.1f, Epsilon = 1e-5f;

    public static TheoryData<int, int> TrainingShapes()
    {
        var cases = new TheoryData<int, int>();
        foreach (int rows in new[] { 2, 3, 5, 17, 37 })
            foreach (int channels in new[] { 1, 3, 17, 64 }) cases.Add(rows, channels);
        return cases;
    }

    public static TheoryData<int, int> InferenceShapes()
    {
        var cases = new TheoryData<int, int>();
        foreach (int rows in new[] { 1, 2, 5, 37 })
            foreach (int channels in new[] { 1, 3, 17, 64, 300 }) cases.Add(rows, channels);
        return cases;
    }

    /// <summary>Values around 3 with spread 2 per channel-ish, so mean and variance are far from 0 and 1.</summary>
    private static float[] Inputs(int count, ulong seed) => TestData.Uniform(count, seed, 1f, 5f);

    private sealed record Parameters(float[] Gamma, float[] Beta, float[] RunningMean, float[] RunningVariance)
    {
        public static Parameters Random(int channels, ulong seed) => new(
            TestData.Uniform(channels, seed, 0.5f, 1.5f), TestData.Uniform(channels, seed + 1),
            TestData.Uniform(channels, seed + 2), TestData.Uniform(channels, seed + 3, 0.5f, 2f));
    }

    [Theory]
    [MemberData(nameof(TrainingShapes))]
    public void Training_forward_matches_the_reference(int rows, int channels)
    {
        int size = rows * channels;
        float[] x = Inputs(size, 1);
        var p = Parameters.Random(channels, 2);
        float[] xhatE = new float[size], yE = new float[size], invE = new float[channels];
        float[] meanE = (float[])p.RunningMean.Clone(), varE = (float[])p.RunningVariance.Clone();
        NormalizationReference.BatchNormTraining(x, xhatE, yE, p.Gamma, p.Beta, invE, meanE, varE, Momentum, Epsilon, rows, channels);

        float[] xhat = ConvCases.Garbage(size), y = ConvCases.Garbage(size), inv = ConvCases.Garbage(channels);
        float[] mean = (float[])p.RunningMean.Clone(), variance = (float[])p.RunningVariance.Clone();
        var sums = new double[2 * channels];
        sums.AsSpan().Fill(double.NaN); // scratch: the kernel must not read what it did not write
        Normalization.BatchNormTraining(x, xhat, y, p.Gamma, p.Beta, inv, mean, variance, Momentum, Epsilon, sums, rows, channels);

        KernelAssert.BitIdentical<float>(invE, inv, "batchInvStd");
        KernelAssert.BitIdentical<float>(meanE, mean, "runningMean");
        KernelAssert.CloseToMax(varE, variance, 3e-7, "runningVariance");
        KernelAssert.CloseToMax(xhatE, xhat, 2e-6, "xhat");
        KernelAssert.CloseToMax(yE, y, 2e-6, "y");
        // The batch really is normalized: mean 0 and (biased) variance var/(var + ε) per channel.
        for (int c = 0; c < channels; c++)
        {
            double m = 0, v = 0;
            for (int r = 0; r < rows; r++) m += xhat[r * channels + c];
            m /= rows;
            for (int r = 0; r < rows; r++) v += (xhat[r * channels + c] - m) * (xhat[r * channels + c] - m);
            Assert.True(Math.Abs(m) < 1e-5, $"channel {c}: mean of xhat {m}");
            double expected = 1 - Epsilon * (double)inv[c] * inv[c]; // var/(var + ε)
            Assert.True(Math.Abs(v / rows - expected) < 1e-4, $"channel {c}: variance of xhat {v / rows}, expected {expected}");
        }
    }

    [Theory]
    [MemberData(nameof(InferenceShapes))]
    public void Inference_forward_matches_the_reference(int rows, int channels)
    {
        int size = rows * channels;
        float[] x = Inputs(size, 3);
        var p = Parameters.Random(channels, 4);
        float[] xhatE = new float[size], yE = new float[size], invE = new float[channels];
        NormalizationReference.BatchNormInference(x, xhatE, yE, p.Gamma, p.Beta, invE, p.RunningMean, p.RunningVariance, Epsilon, rows, channels);

        float[] xhat = ConvCases.Garbage(size), y = ConvCases.Garbage(size), inv = ConvCases.Garbage(channels);
        Normalization.BatchNormInference(x, xhat, y, p.Gamma, p.Beta, inv, p.RunningMean, p.RunningVariance, Epsilon, rows, channels);
        KernelAssert.BitIdentical<float>(invE, inv, "batchInvStd");
        KernelAssert.CloseToMax(xhatE, xhat, 2e-6, "xhat");
        KernelAssert.CloseToMax(yE, y, 2e-6, "y");

        // Without the saved tensors: the same y (1/σ then lives on the stack, in blocks of channels).
        float[] yOnly = ConvCases.Garbage(size);
        Normalization.BatchNormInference(x, [], yOnly, p.Gamma, p.Beta, [], p.RunningMean, p.RunningVariance, Epsilon, rows, channels);
        KernelAssert.BitIdentical<float>(y, yOnly, "y without xhat");
    }

    /// <summary>
    /// The fused residual Add and ReLU (BatchNormalization → [Add] → ReLU in one pass) against the separate passes the
    /// generated code ran before: Merging.Add and Activations.ReLU after the normalisation, the same bits (ReLU of −0 and
    /// of NaN included), in training and inference, one core and all.
    /// </summary>
    [Theory]
    [InlineData(37, 17)]
    [InlineData(5, 64)]
    [InlineData(2100, 3)]
    [InlineData(4096, 64)]
    public void Residual_and_relu_give_the_bits_of_the_separate_passes(int rows, int channels)
    {
        int size = rows * channels;
        float[] x = Inputs(size, 11), residual = TestData.Uniform(size, 12, -4f, 4f);
        residual[0] = float.NaN;
        var p = Parameters.Random(channels, 13);
        p.Beta[0] = -0f;
        foreach (bool parallel in new[] { true, false })
        {
            Kernels.AllowParallel = parallel;
            try
            {
                foreach (bool withResidual in new[] { false, true })
                {
                    // Training.
                    float[] xhatE = new float[size], yE = new float[size], invE = new float[channels];
                    float[] meanE = (float[])p.RunningMean.Clone(), varE = (float[])p.RunningVariance.Clone();
                    Normalization.BatchNormTraining(x, xhatE, yE, p.Gamma, p.Beta, invE, meanE, varE, Momentum, Epsilon, new double[2 * channels], rows, channels);
                    if (withResidual) Merging.Add(yE, residual, yE);
                    Activations.ReLU(yE);
                    float[] xhat = ConvCases.Garbage(size), y = ConvCases.Garbage(size), inv = ConvCases.Garbage(channels);
                    float[] mean = (float[])p.RunningMean.Clone(), variance = (float[])p.RunningVariance.Clone();
                    Normalization.BatchNormTraining(x, xhat, y, p.Gamma, p.Beta, inv, mean, variance, Momentum, Epsilon, new double[2 * channels], rows, channels,
                        withResidual ? residual : default, relu: true);
                    string where = (withResidual ? "with" : "without") + " residual, " + (parallel ? "all cores" : "one core");
                    KernelAssert.BitIdentical<float>(xhatE, xhat, "training xhat, " + where);
                    KernelAssert.BitIdentical<float>(yE, y, "training y, " + where);
                    KernelAssert.BitIdentical<float>(varE, variance, "running variance, " + where);

                    // Inference, also in place (x = y).
                    float[] yI = new float[size];
                    Normalization.BatchNormInference(x, [], yI, p.Gamma, p.Beta, [], p.RunningMean, p.RunningVariance, Epsilon, rows, channels);
                    if (withResidual) Merging.Add(yI, residual, yI);
                    Activations.ReLU(yI);
                    float[] fused = (float[])x.Clone();
                    Normalization.BatchNormInference(fused, [], fused, p.Gamma, p.Beta, [], p.RunningMean, p.RunningVariance, Epsilon, rows, channels,
                        withResidual ? residual : default, relu: true);
                    KernelAssert.BitIdentical<float>(yI, fused, "inference y, " + where);
                }
            }
            finally { Kernels.AllowParallel = true; }
        }
    }

    [Theory]
    [MemberData(nameof(TrainingShapes))]
    public void Training_backward_matches_the_reference(int rows, int channels)
    {
        int size = rows * channels;
        var (xhat, inv, p) = TrainedState(rows, channels, 5);
        float[] dy = TestData.Uniform(size, 6);
        float[] dgE = new float[channels], dbE = new float[channels], dxE = new float[size];
        NormalizationReference.BatchNormTrainingBackward(xhat, dy, p.Gamma, inv, dgE, dbE, dxE, rows, channels);

        float[] dg = ConvCases.Garbage(channels), db = ConvCases.Garbage(channels), dx = ConvCases.Garbage(size);
        var sums = new double[2 * channels + 3];
        sums.AsSpan().Fill(double.NaN);
        Normalization.BatchNormTrainingBackward(xhat, dy, p.Gamma, inv, dg, db, dx, sums, rows, channels);
        KernelAssert.BitIdentical<float>(dgE, dg, "dgamma");
        KernelAssert.BitIdentical<float>(dbE, db, "dbeta");
        // dx = gamma·invStd/rows · (rows·dy − Σdy − xhat·Σdy·xhat) is computed in float, so it is exact to float rounding of
        // its terms, gamma·invStd·|dy|: with 2 rows they cancel to almost 0 (xhat = ±1 but for ε), and only that scale is met.
        double terms = 0;
        for (int i = 0; i < size; i++) terms = Math.Max(terms, Math.Abs((double)p.Gamma[i % channels] * inv[i % channels] * dy[i]));
        KernelAssert.CloseToMax(dxE, dx, rows == 2 ? 1e-6 : 1e-5, "dx", rows == 2 ? terms : 0);

        // Without dx: the same parameter gradients.
        float[] dg2 = ConvCases.Garbage(channels), db2 = ConvCases.Garbage(channels);
        Normalization.BatchNormTrainingBackward(xhat, dy, p.Gamma, inv, dg2, db2, [], sums, rows, channels);
        KernelAssert.BitIdentical<float>(dg, dg2, "dgamma without dx");
        KernelAssert.BitIdentical<float>(db, db2, "dbeta without dx");
    }

    [Theory]
    [MemberData(nameof(InferenceShapes))]
    public void Inference_backward_matches_the_reference(int rows, int channels)
    {
        int size = rows * channels;
        float[] x = Inputs(size, 7);
        var p = Parameters.Random(channels, 8);
        float[] xhat = new float[size], y = new float[size], inv = new float[channels];
        Normalization.BatchNormInference(x, xhat, y, p.Gamma, p.Beta, inv, p.RunningMean, p.RunningVariance, Epsilon, rows, channels);
        float[] dy = TestData.Uniform(size, 9);
        float[] dgE = new float[channels], dbE = new float[channels], dxE = new float[size];
        NormalizationReference.BatchNormInferenceBackward(xhat, dy, p.Gamma, inv, dgE, dbE, dxE, rows, channels);

        float[] dg = ConvCases.Garbage(channels), db = ConvCases.Garbage(channels), dx = ConvCases.Garbage(size);
        var sums = new double[2 * channels];
        Normalization.BatchNormInferenceBackward(xhat, dy, p.Gamma, inv, dg, db, dx, sums, rows, channels);
        KernelAssert.BitIdentical<float>(dgE, dg, "dgamma");
        KernelAssert.BitIdentical<float>(dbE, db, "dbeta");
        KernelAssert.CloseToMax(dxE, dx, 1e-6, "dx");
    }

    private static (float[] Xhat, float[] InvStd, Parameters P) TrainedState(int rows, int channels, ulong seed)
    {
        int size = rows * channels;
        float[] x = Inputs(size, seed);
        var p = Parameters.Random(channels, seed + 10);
        float[] xhat = new float[size], y = new float[size], inv = new float[channels];
        Normalization.BatchNormTraining(x, xhat, y, p.Gamma, p.Beta, inv, (float[])p.RunningMean.Clone(), (float[])p.RunningVariance.Clone(),
            Momentum, Epsilon, new double[2 * channels], rows, channels);
        return (xhat, inv, p);
    }

    /// <summary>L = Σ r·y for the training-mode forward, in double.</summary>
    private static double Loss(double[] x, double[] gamma, double[] beta, double[] r, int rows, int channels)
    {
        double loss = 0;
        for (int c = 0; c < channels; c++)
        {
            double mean = 0, variance = 0;
            for (int i = 0; i < rows; i++) mean += x[i * channels + c];
            mean /= rows;
            for (int i = 0; i < rows; i++) variance += (x[i * channels + c] - mean) * (x[i * channels + c] - mean);
            variance /= rows;
            double invStd = 1 / Math.Sqrt(variance + Epsilon);
            for (int i = 0; i < rows; i++) loss += r[i * channels + c] * (gamma[c] * (x[i * channels + c] - mean) * invStd + beta[c]);
        }
        return loss;
    }

    [Theory]
    [InlineData(3, 3)] // with 2 rows, dx is 0 but for ε: nothing to compare
    [InlineData(7, 3)]
    [InlineData(12, 5)]
    public void Training_backward_matches_finite_differences(int rows, int channels)
    {
        int size = rows * channels;
        float[] xf = TestData.Uniform(size, 11, -2f, 2f), dy = TestData.Uniform(size, 12);
        var p = Parameters.Random(channels, 13);
        float[] xhat = new float[size], y = new float[size], inv = new float[channels];
        var sums = new double[2 * channels];
        Normalization.BatchNormTraining(xf, xhat, y, p.Gamma, p.Beta, inv, new float[channels], new float[channels], Momentum, Epsilon, sums, rows, channels);
        float[] dg = new float[channels], db = new float[channels], dx = new float[size];
        Normalization.BatchNormTrainingBackward(xhat, dy, p.Gamma, inv, dg, db, dx, sums, rows, channels);

        double[] x = xf.Select(v => (double)v).ToArray(), gamma = p.Gamma.Select(v => (double)v).ToArray();
        double[] beta = p.Beta.Select(v => (double)v).ToArray(), r = dy.Select(v => (double)v).ToArray();
        const double h = 1e-5;
        double[] Numerical(double[] values)
        {
            var gradient = new double[values.Length];
            for (int i = 0; i < values.Length; i++)
            {
                double saved = values[i];
                values[i] = saved + h;
                double plus = Loss(x, gamma, beta, r, rows, channels);
                values[i] = saved - h;
                double minus = Loss(x, gamma, beta, r, rows, channels);
                values[i] = saved;
                gradient[i] = (plus - minus) / (2 * h);
            }
            return gradient;
        }
        AssertGradient(Numerical(x), dx, 1e-4, "dx");
        AssertGradient(Numerical(gamma), dg, 1e-5, "dgamma");
        AssertGradient(Numerical(beta), db, 1e-5, "dbeta");
    }

    internal static void AssertGradient(double[] numerical, float[] analytic, double tolerance, string what)
    {
        double scale = Math.Max(numerical.Max(Math.Abs), 1e-3);
        for (int i = 0; i < numerical.Length; i++)
        {
            double error = Math.Abs(analytic[i] - numerical[i]) / scale;
            Assert.True(error <= tolerance, $"{what}[{i}]: {analytic[i]} vs finite differences {numerical[i]} (relative error {error:E2})");
        }
    }

    [Fact]
    public void Running_statistics_after_three_steps_equal_the_closed_form()
    {
        const int rows = 9, channels = 4;
        var p = Parameters.Random(channels, 14);
        float[] mean = (float[])p.RunningMean.Clone(), variance = (float[])p.RunningVariance.Clone();
        var batchMeans = new double[3][];
        var batchVariances = new double[3][]; // unbiased
        var sums = new double[2 * channels];
        for (int step = 0; step < 3; step++)
        {
            float[] x = TestData.Uniform(rows * channels, 15 + (ulong)step, -1f + step, 2f + 2 * step);
            batchMeans[step] = new double[channels];
            batchVariances[step] = new double[channels];
            for (int c = 0; c < channels; c++)
            {
                double m = 0, v = 0;
                for (int r = 0; r < rows; r++) m += x[r * channels + c];
                m /= rows;
                for (int r = 0; r < rows; r++) v += (x[r * channels + c] - m) * (x[r * channels + c] - m);
                batchMeans[step][c] = m;
                batchVariances[step][c] = v / (rows - 1);
            }
            Normalization.BatchNormTraining(x, new float[x.Length], new float[x.Length], p.Gamma, p.Beta, new float[channels],
                mean, variance, Momentum, Epsilon, sums, rows, channels);
        }
        double k = 1 - (double)Momentum;
        for (int c = 0; c < channels; c++)
        {
            double expectedMean = k * k * k * p.RunningMean[c]
                + Momentum * (k * k * batchMeans[0][c] + k * batchMeans[1][c] + batchMeans[2][c]);
            double expectedVariance = k * k * k * p.RunningVariance[c]
                + Momentum * (k * k * batchVariances[0][c] + k * batchVariances[1][c] + batchVariances[2][c]);
            Assert.True(Math.Abs(mean[c] - expectedMean) <= 1e-6 * Math.Max(1, Math.Abs(expectedMean)), $"running mean {c}: {mean[c]} vs {expectedMean}");
            Assert.True(Math.Abs(variance[c] - expectedVariance) <= 1e-6 * Math.Max(1, expectedVariance), $"running variance {c}: {variance[c]} vs {expectedVariance}");
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(0)]
    public void Training_refuses_a_single_value_per_channel(int rows)
    {
        var e = Assert.Throws<InvalidOperationException>(() => Normalization.BatchNormTraining(new float[3], new float[3], new float[3],
            new float[3], new float[3], new float[3], new float[3], new float[3], Momentum, Epsilon, new double[6], rows, 3));
        Assert.Contains("BatchNormalization needs more than one value per channel in training", e.Message);
    }

    [Fact]
    public void Short_spans_are_refused()
    {
        const int rows = 4, c = 3, n = rows * c;
        void Training(int x = n, int xhat = n, int y = n, int gamma = c, int beta = c, int inv = c, int mean = c, int variance = c, int sums = 2 * c) =>
            Normalization.BatchNormTraining(new float[x], new float[xhat], new float[y], new float[gamma], new float[beta], new float[inv],
                new float[mean], new float[variance], Momentum, Epsilon, new double[sums], rows, c);
        Training(); // the right lengths pass
        foreach (var (name, call) in new (string, Action)[]
        {
            ("x", () => Training(x: n - 1)), ("xhat", () => Training(xhat: 0)), ("y", () => Training(y: n - 1)),
            ("gamma", () => Training(gamma: c - 1)), ("beta", () => Training(beta: c - 1)), ("batchInvStd", () => Training(inv: 0)),
            ("runningMean", () => Training(mean: c - 1)), ("runningVariance", () => Training(variance: c - 1)), ("sums", () => Training(sums: 2 * c - 1)),
            ("xhat", () => Normalization.BatchNormInference(new float[n], new float[n - 1], new float[n], new float[c], new float[c], [], new float[c], new float[c], Epsilon, rows, c)),
            ("batchInvStd", () => Normalization.BatchNormInference(new float[n], [], new float[n], new float[c], new float[c], new float[c - 1], new float[c], new float[c], Epsilon, rows, c)),
            ("runningVariance", () => Normalization.BatchNormInference(new float[n], [], new float[n], new float[c], new float[c], [], new float[c], new float[c - 1], Epsilon, rows, c)),
            ("dy", () => Normalization.BatchNormTrainingBackward(new float[n], new float[n - 1], new float[c], new float[c], new float[c], new float[c], [], new double[2 * c], rows, c)),
            ("dx", () => Normalization.BatchNormTrainingBackward(new float[n], new float[n], new float[c], new float[c], new float[c], new float[c], new float[n - 1], new double[2 * c], rows, c)),
            ("gammaGradient", () => Normalization.BatchNormInferenceBackward(new float[n], new float[n], new float[c], new float[c], new float[c - 1], new float[c], [], new double[2 * c], rows, c)),
            ("sums", () => Normalization.BatchNormInferenceBackward(new float[n], new float[n], new float[c], new float[c], new float[c], new float[c], [], new double[2 * c - 1], rows, c)),
        })
        {
            var e = Assert.Throws<ArgumentException>(call);
            Assert.Equal(name, e.ParamName);
        }
        Assert.Throws<ArgumentOutOfRangeException>(() => Normalization.BatchNormInference([], [], [], [], [], [], [], [], Epsilon, 0, 0));
    }

    [Theory]
    [InlineData("Training", 300)]
    [InlineData("Inference", 300)]
    [InlineData("InferenceWithoutSaved", 300)]
    [InlineData("TrainingBackward", 300)]
    [InlineData("InferenceBackward", 300)]
    [InlineData("Training", 17)]
    public void Kernel_allocates_nothing(string kernel, int channels)
    {
        const int rows = 64;
        int size = rows * channels;
        float[] x = Inputs(size, 16), dy = TestData.Uniform(size, 17), xhat = new float[size], y = new float[size], dx = new float[size];
        var p = Parameters.Random(channels, 18);
        float[] inv = new float[channels], dg = new float[channels], db = new float[channels];
        var sums = new double[2 * channels];
        Normalization.BatchNormTraining(x, xhat, y, p.Gamma, p.Beta, inv, p.RunningMean, p.RunningVariance, Momentum, Epsilon, sums, rows, channels);
        Action action = kernel switch
        {
            "Training" => () => Normalization.BatchNormTraining(x, xhat, y, p.Gamma, p.Beta, inv, p.RunningMean, p.RunningVariance, Momentum, Epsilon, sums, rows, channels),
            "Inference" => () => Normalization.BatchNormInference(x, xhat, y, p.Gamma, p.Beta, inv, p.RunningMean, p.RunningVariance, Epsilon, rows, channels),
            "InferenceWithoutSaved" => () => Normalization.BatchNormInference(x, [], y, p.Gamma, p.Beta, [], p.RunningMean, p.RunningVariance, Epsilon, rows, channels),
            "TrainingBackward" => () => Normalization.BatchNormTrainingBackward(xhat, dy, p.Gamma, inv, dg, db, dx, sums, rows, channels),
            _ => () => Normalization.BatchNormInferenceBackward(xhat, dy, p.Gamma, inv, dg, db, dx, sums, rows, channels),
        };
        Assert.Equal(0, AllocationMeter.Measure(action));
    }

    /// <summary>
    /// The per-channel double sums, read from the scratch they stay in (the means after the forward pass, Σdy and Σdy·x̂
    /// after a backward pass without dx), are a plain loop's in row order, bit for bit, for channel counts that take every
    /// block of every vector width (two vectors of channels, one, the narrower widths, the scalar tail). The values span
    /// many binary exponents, so that adding them in another order would show in the last bits. Large sums of fewer than
    /// 32 channels (2^17 values or more) are four such loops over fixed quarters of the rows, added in order.
    /// </summary>
    [Theory]
    [InlineData(301, 3)]
    [InlineData(301, 4)]
    [InlineData(301, 8)]
    [InlineData(301, 12)]
    [InlineData(301, 16)]
    [InlineData(301, 20)]
    [InlineData(301, 24)]
    [InlineData(301, 28)]
    [InlineData(301, 31)]
    [InlineData(301, 32)]
    [InlineData(301, 48)]
    [InlineData(64, 64)]
    [InlineData(97, 77)]
    [InlineData(4_099, 48)] // large enough to split the channels across the cores, in blocks of 16
    [InlineData(2_053, 77)]
    [InlineData(20_011, 16)] // few channels: the quarters of the rows
    [InlineData(8_193, 17)]
    [InlineData(32_771, 4)]
    public void Channel_sums_are_the_row_order_sums_at_every_block_width(int rows, int channels)
    {
        int size = rows * channels;
        var random = new Xoshiro256StarStar(33);
        float Wide() => (random.NextSingle() - 0.5f) * MathF.ScaleB(1f, (int)(random.NextSingle() * 40) - 20);
        float[] x = new float[size], dy = new float[size];
        for (int i = 0; i < size; i++) { x[i] = Wide(); dy[i] = Wide(); }
        float[] savedXhat = TestData.Uniform(size, 34);
        var p = Parameters.Random(channels, 35);
        var sums = new double[2 * channels];

        // The large shapes' sums are split across the cores, and the parallel path is the one under test.
        bool large = (long)rows * channels >= 1 << 17;
        bool Forward()
        {
            Normalization.BatchNormTraining(x, new float[size], new float[size], p.Gamma, p.Beta, new float[channels],
                new float[channels], new float[channels], Momentum, Epsilon, sums, rows, channels);
            return true;
        }
        if (large) SplitRuns.UntilSplit(Forward, $"the sums of {rows} rows of {channels} channels never ran on more than one core");
        else Forward();
        // The row blocks: the whole rows, or four quarters (rows·k/4 to rows·(k+1)/4) whose sums are added in order.
        int blocks = large && channels < 32 ? 4 : 1;
        for (int c = 0; c < channels; c++)
        {
            double sum = 0;
            for (int k = 0; k < blocks; k++)
            {
                double part = 0;
                for (int r = (int)((long)rows * k / blocks); r < (long)rows * (k + 1) / blocks; r++) part += x[r * channels + c];
                sum += part;
            }
            AssertSameDouble(sum / rows, sums[c], $"mean of channel {c}");
        }

        Normalization.BatchNormTrainingBackward(savedXhat, dy, p.Gamma, new float[channels], new float[channels], new float[channels], [], sums, rows, channels);
        for (int c = 0; c < channels; c++)
        {
            double sum = 0, products = 0;
            for (int k = 0; k < blocks; k++)
            {
                double partSum = 0, partProducts = 0;
                for (int r = (int)((long)rows * k / blocks); r < (long)rows * (k + 1) / blocks; r++)
                {
                    int i = r * channels + c;
                    partSum += dy[i];
                    partProducts += (double)dy[i] * savedXhat[i];
                }
                sum += partSum;
                products += partProducts;
            }
            AssertSameDouble(sum, sums[c], $"Σdy of channel {c}");
            AssertSameDouble(products, sums[channels + c], $"Σdy·x̂ of channel {c}");
        }
    }

    private static void AssertSameDouble(double expected, double actual, string what)
    {
        if (BitConverter.DoubleToInt64Bits(expected) != BitConverter.DoubleToInt64Bits(actual))
            Assert.Fail($"{what}: {actual:R}, expected {expected:R} ({VectorPath.Description})");
    }

    // A ResNet stage's shapes (rows = batch · pixels): the row passes split across the cores, each row in one chunk,
    // and the channel sums stay in row order, so the bits are those of one core.
    [Theory]
    [InlineData(20_011, 16)]
    [InlineData(9_001, 32)]
    [InlineData(4_999, 64)]
    public void Large_batches_give_the_bits_of_one_core(int rows, int channels)
    {
        var random = new Xoshiro256StarStar(91);
        float[] x = new float[rows * channels], dy = new float[rows * channels], gamma = new float[channels], beta = new float[channels];
        for (int i = 0; i < x.Length; i++) { x[i] = 3f + 2f * (random.NextSingle() - 0.5f); dy[i] = random.NextSingle() - 0.5f; }
        for (int c = 0; c < channels; c++) { gamma[c] = 0.5f + random.NextSingle(); beta[c] = random.NextSingle() - 0.5f; }
        float[][] Run(bool parallel)
        {
            bool before = Kernels.AllowParallel;
            Kernels.AllowParallel = parallel;
            try
            {
                float[] xhat = new float[x.Length], y = new float[x.Length], inv = new float[channels], mean = new float[channels], variance = new float[channels];
                float[] dg = new float[channels], db = new float[channels], dx = new float[x.Length];
                var sums = new double[2 * channels];
                Normalization.BatchNormTraining(x, xhat, y, gamma, beta, inv, mean, variance, Momentum, Epsilon, sums, rows, channels);
                Normalization.BatchNormTrainingBackward(xhat, dy, gamma, inv, dg, db, dx, sums, rows, channels);
                return [xhat, y, inv, mean, variance, dg, db, dx];
            }
            finally { Kernels.AllowParallel = before; }
        }
        float[][] serial = Run(false), split = Run(true);
        for (int k = 0; k < serial.Length; k++)
            Assert.True(serial[k].AsSpan().SequenceEqual(split[k]), $"output {k} differs between one core and {Kernels.Threads}");
    }
}
