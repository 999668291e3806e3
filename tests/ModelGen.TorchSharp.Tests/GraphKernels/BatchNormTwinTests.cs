using Xunit.Abstractions;
using static TorchSharp.torch;

namespace ModelGen.ReferenceTests.GraphKernels;

/// <summary>
/// <see cref="Normalization"/> against torch.nn.functional.batch_norm on NCHW images and [N, C] vectors: in training mode the
/// outputs, the running statistics after the call (momentum 0.1, ε 1e-5) and autograd's gradients with respect to the input,
/// weight and bias; in eval mode the outputs and the same gradients (statistics constant).
/// </summary>
public class BatchNormTwinTests(ITestOutputHelper output)
{
    private const float Momentum = 0.1f, Epsilon = 1e-5f;

    /// <summary>batch, height, width, channels; height = width = 0 for flat [batch, channels] rows.</summary>
    public static TheoryData<int, int, int, int> Shapes() => new()
    {
        { 4, 5, 3, 3 },
        { 2, 7, 6, 17 },
        { 3, 4, 4, 64 },
        { 1, 3, 2, 1 },
        { 16, 0, 0, 10 },
        { 5, 0, 0, 1 },
        { 37, 0, 0, 64 },
    };

    private sealed record Case(int N, int H, int W, int C)
    {
        public bool Flat => H == 0;
        public int Rows => Flat ? N : N * H * W;
        public int Size => Rows * C;

        /// <summary>Our channels-last rows → torch's layout, as a leaf.</summary>
        public Tensor Input(float[] rows, bool requiresGrad) => Flat
            ? GraphTwin.Leaf(rows, [N, C], requiresGrad)
            : GraphTwin.Nchw(rows, N, H, W, C, requiresGrad);

        /// <summary>Torch's layout → our channels-last rows.</summary>
        public float[] Rows_(Tensor t) => Flat ? TorchTwin.Values(t.detach()) : GraphTwin.Nhwc(t);
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Training_mode_matches_batch_norm(int n, int h, int w, int c)
    {
        TorchRuntime.Require();
        var k = new Case(n, h, w, c);
        int rows = k.Rows, size = k.Size;
        float[] x = Data(size, 1, 0.5f, 3f), dy = Data(size, 2, -1f, 1f);
        float[] gamma = Data(c, 3, 0.5f, 1.5f), beta = Data(c, 4, -1f, 1f);
        float[] runningMean = Data(c, 5, -1f, 1f), runningVariance = Data(c, 6, 0.5f, 2f);

        float[] xhat = new float[size], y = new float[size], inv = new float[c], mean = (float[])runningMean.Clone(), variance = (float[])runningVariance.Clone();
        var sums = new double[2 * c];
        Normalization.BatchNormTraining(x, xhat, y, gamma, beta, inv, mean, variance, Momentum, Epsilon, sums, rows, c);
        float[] dgamma = new float[c], dbeta = new float[c], dx = new float[size];
        Normalization.BatchNormTrainingBackward(xhat, dy, gamma, inv, dgamma, dbeta, dx, sums, rows, c);

        using var scope = NewDisposeScope();
        Tensor tx = k.Input(x, true), tgamma = GraphTwin.Leaf(gamma, [c], true), tbeta = GraphTwin.Leaf(beta, [c], true);
        Tensor tmean = tensor(runningMean, [c]), tvariance = tensor(runningVariance, [c]);
        Tensor ty = nn.functional.batch_norm(tx, tmean, tvariance, tgamma, tbeta, true, Momentum, Epsilon);
        (ty * k.Input(dy, false)).sum().backward();

        output.WriteLine($"batch_norm training, {(k.Flat ? $"[{n}, {c}]" : $"[{n}, {c}, {h}, {w}]")}, {rows} rows");
        var checks = new GraphTwin.Checks(output, $"training {n}×{h}×{w}×{c}");
        checks.Add("y", y, k.Rows_(ty));
        checks.Add("running_mean", mean, TorchTwin.Values(tmean));
        checks.Add("running_var", variance, TorchTwin.Values(tvariance));
        checks.Add("dx", dx, k.Rows_(GraphTwin.Grad(tx)));
        checks.Add("dweight", dgamma, TorchTwin.Values(GraphTwin.Grad(tgamma)));
        checks.Add("dbias", dbeta, TorchTwin.Values(GraphTwin.Grad(tbeta)));
        checks.Assert();
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Eval_mode_matches_batch_norm(int n, int h, int w, int c)
    {
        TorchRuntime.Require();
        var k = new Case(n, h, w, c);
        int rows = k.Rows, size = k.Size;
        float[] x = Data(size, 11, -2f, 3f), dy = Data(size, 12, -1f, 1f);
        float[] gamma = Data(c, 13, 0.5f, 1.5f), beta = Data(c, 14, -1f, 1f);
        float[] runningMean = Data(c, 15, -1f, 1f), runningVariance = Data(c, 16, 0.5f, 2f);

        float[] xhat = new float[size], y = new float[size], inv = new float[c];
        Normalization.BatchNormInference(x, xhat, y, gamma, beta, inv, runningMean, runningVariance, Epsilon, rows, c);
        float[] dgamma = new float[c], dbeta = new float[c], dx = new float[size];
        Normalization.BatchNormInferenceBackward(xhat, dy, gamma, inv, dgamma, dbeta, dx, new double[2 * c], rows, c);

        using var scope = NewDisposeScope();
        Tensor tx = k.Input(x, true), tgamma = GraphTwin.Leaf(gamma, [c], true), tbeta = GraphTwin.Leaf(beta, [c], true);
        Tensor tmean = tensor(runningMean, [c]), tvariance = tensor(runningVariance, [c]);
        Tensor ty = nn.functional.batch_norm(tx, tmean, tvariance, tgamma, tbeta, false, Momentum, Epsilon);
        (ty * k.Input(dy, false)).sum().backward();

        output.WriteLine($"batch_norm eval, {rows} rows of {c}");
        var checks = new GraphTwin.Checks(output, $"eval {n}×{h}×{w}×{c}");
        checks.Add("y", y, k.Rows_(ty));
        checks.Add("running_mean unchanged", runningMean, TorchTwin.Values(tmean));
        checks.Add("dx", dx, k.Rows_(GraphTwin.Grad(tx)));
        checks.Add("dweight", dgamma, TorchTwin.Values(GraphTwin.Grad(tgamma)));
        checks.Add("dbias", dbeta, TorchTwin.Values(GraphTwin.Grad(tbeta)));
        checks.Assert();
    }

    [Fact]
    public void Three_training_calls_update_the_running_statistics_as_batch_norm_does()
    {
        TorchRuntime.Require();
        var k = new Case(3, 4, 5, 7);
        float[] gamma = Data(7, 21, 0.5f, 1.5f), beta = Data(7, 22, -1f, 1f);
        float[] mean = Data(7, 23, -1f, 1f), variance = Data(7, 24, 0.5f, 2f);
        using var scope = NewDisposeScope();
        Tensor tmean = tensor((float[])mean.Clone(), [7]), tvariance = tensor((float[])variance.Clone(), [7]);
        var sums = new double[14];
        for (int step = 0; step < 3; step++)
        {
            float[] x = Data(k.Size, 25 + (ulong)step, -1f - step, 2f + 3 * step);
            Normalization.BatchNormTraining(x, new float[k.Size], new float[k.Size], gamma, beta, new float[7], mean, variance, Momentum, Epsilon, sums, k.Rows, 7);
            nn.functional.batch_norm(k.Input(x, false), tmean, tvariance, tensor(gamma, [7]), tensor(beta, [7]), true, Momentum, Epsilon);
        }
        var checks = new GraphTwin.Checks(output, "running statistics after three steps");
        checks.Add("running_mean", mean, TorchTwin.Values(tmean));
        checks.Add("running_var", variance, TorchTwin.Values(tvariance));
        checks.Assert();
    }

    internal static float[] Data(int count, ulong seed, float low, float high)
    {
        var random = new Xoshiro256StarStar(seed);
        var values = new float[count];
        for (int i = 0; i < count; i++) values[i] = low + (high - low) * random.NextSingle();
        return values;
    }
}
