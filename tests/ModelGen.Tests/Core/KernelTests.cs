using System.Runtime.InteropServices;

namespace ModelGen.Tests.Core;

/// <summary>
/// The matrix kernels against plain triple loops in double, and their multi-core path against the
/// single-threaded one: bit for bit, since each output element is computed by one thread in a fixed order.
/// </summary>
public sealed class KernelTests
{
    // Shapes that exercise 64-column blocks, 8-column vectors, scalar tails and sparse rows; the last
    // ones are tall like a convolution's patch matrix (the weight gradient's row blocks, the input
    // gradient's transposed weights), with rows that do not divide into the blocks.
    public static TheoryData<int, int, int> Shapes() => new()
    {
        { 1, 784, 128 }, { 32, 784, 128 }, { 32, 128, 10 }, { 17, 131, 72 }, { 5, 3, 2 }, { 64, 200, 67 },
        { 2_053, 27, 13 }, { 1_500, 288, 64 }, { 4_099, 9, 32 }, { 1_030, 40, 75 }, { 4_100, 97, 80 }, { 1_100, 576, 64 },
        { 2_100, 144, 16 }, { 1_300, 144, 32 }, { 1_200, 16, 32 }, { 1_500, 36, 48 },
    };

    private static float[] Sparse(int count, ulong seed)
    {
        float[] values = TestData.Uniform(count, seed);
        var random = new Xoshiro256StarStar(seed + 1);
        for (int i = 0; i < count; i++) if (random.NextSingle() < 0.6f) values[i] = 0f; // like images and ReLU outputs
        return values;
    }

    // Batches of 4+ rows take the row-group kernel on the 256- and 512-bit paths (when the columns divide
    // into its blocks), or the rows-across-lanes kernel for 16 columns or fewer; one row alone takes the
    // single-row kernel. Both must give every row the same
    // bits: start, then one multiply-add per non-zero input in input order.
    [Theory]
    [InlineData(9, 784, 128)]
    [InlineData(8, 131, 64)]
    [InlineData(13, 40, 96)]
    [InlineData(4, 3, 32)]
    [InlineData(7, 200, 67)]
    [InlineData(37, 128, 10)] // few columns: rows across the lanes (NarrowProduct), a short last block
    [InlineData(5, 20, 3)]
    [InlineData(18, 512, 16)]
    [InlineData(50, 144, 16)] // dense rows on the 512-bit path: register tiles of 16 rows, the last 16 rows again for the 2 left over
    [InlineData(31, 288, 32)] // tiles of 12 rows × 2 vectors
    [InlineData(20, 576, 64)] // tiles of 6 rows × 4 vectors
    [InlineData(53, 27, 112)] // 64 + 32 + 16 columns: every tile kind in one product
    public void A_batch_gives_each_row_the_bits_it_gets_alone(int rows, int inputs, int units)
    {
        float[] x = Sparse(rows * inputs, 11), w = TestData.Uniform(inputs * units, 12), b = TestData.Uniform(units, 13);
        Array.Clear(x, 2 * inputs, inputs); // an all-zero row inside a group
        var batch = new float[rows * units];
        Kernels.Affine(x, w, b, batch, rows, inputs, units);
        var alone = new float[units];
        for (int r = 0; r < rows; r++)
        {
            Kernels.Affine(x.AsSpan(r * inputs, inputs), w, b, alone, 1, inputs, units);
            for (int u = 0; u < units; u++)
                Assert.True(BitConverter.SingleToInt32Bits(alone[u]) == BitConverter.SingleToInt32Bits(batch[r * units + u]),
                    $"row {r}, column {u}: alone {alone[u]:R}, in the batch {batch[r * units + u]:R} ({VectorPath.Description})");
        }
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Products_match_naive_loops(int rows, int inputs, int units)
    {
        float[] x = Sparse(rows * inputs, 1), w = TestData.Uniform(inputs * units, 2), b = TestData.Uniform(units, 3);
        float[] dz = Sparse(rows * units, 4);

        var y = new float[rows * units];
        Kernels.Affine(x, w, b, y, rows, inputs, units);
        var dw = new float[inputs * units];
        Kernels.WeightGradient(x, dz, dw, rows, inputs, units);
        var dx = new float[rows * inputs];
        Kernels.InputGradient(dz, w, dx, rows, inputs, units);
        var db = new float[units];
        Kernels.BiasGradient(dz, db, rows, units);

        for (int r = 0; r < rows; r++)
            for (int u = 0; u < units; u++)
            {
                double sum = b[u];
                for (int i = 0; i < inputs; i++) sum += (double)x[r * inputs + i] * w[i * units + u];
                Assert.Equal(sum, y[r * units + u], 1e-4);
            }
        for (int i = 0; i < inputs; i++)
            for (int u = 0; u < units; u++)
            {
                double sum = 0;
                for (int r = 0; r < rows; r++) sum += (double)x[r * inputs + i] * dz[r * units + u];
                Assert.Equal(sum, dw[i * units + u], 1e-4);
            }
        for (int r = 0; r < rows; r++)
            for (int i = 0; i < inputs; i++)
            {
                double sum = 0;
                for (int u = 0; u < units; u++) sum += (double)dz[r * units + u] * w[i * units + u];
                Assert.Equal(sum, dx[r * inputs + i], 1e-4);
            }
        for (int u = 0; u < units; u++)
        {
            double sum = 0;
            for (int r = 0; r < rows; r++) sum += dz[r * units + u];
            Assert.Equal(sum, db[u], 1e-4);
        }
    }

    // Tall products whose few units fill whole vectors take the register tiles (512-bit path, dense dz) or
    // the register-blocked weight gradient; one more unit (a partial vector) takes the rank-one updates,
    // which skip zero inputs, or for 64 units and more the transposed partials, which skip dz's zeros. Each
    // dW value must be the same sum in the same order either way, so the first units agree bit for bit
    // (a ResNet's 16, 32 and 64 filters and the MNIST convnet's first layer, 9 inputs and 32 filters).
    [Theory]
    [InlineData(2_100, 144, 16)]
    [InlineData(4_099, 9, 32)]
    [InlineData(1_300, 37, 32)]
    [InlineData(1_500, 288, 32)]
    [InlineData(1_100, 576, 64)]
    [InlineData(1_700, 150, 64)]
    public void Blocked_tall_weight_gradient_gives_the_bits_of_the_rank_one_updates(int rows, int inputs, int units)
    {
        float[] x = Sparse(rows * inputs, 21), dzWide = Sparse(rows * (units + 1), 22);
        var dz = new float[rows * units];
        for (int r = 0; r < rows; r++) dzWide.AsSpan(r * (units + 1), units).CopyTo(dz.AsSpan(r * units, units));
        var dw = new float[inputs * units];
        var dwWide = new float[inputs * (units + 1)];
        Kernels.WeightGradient(x, dz, dw, rows, inputs, units);
        Kernels.WeightGradient(x, dzWide, dwWide, rows, inputs, units + 1);
        for (int i = 0; i < inputs; i++)
            for (int u = 0; u < units; u++)
                Assert.True(BitConverter.SingleToInt32Bits(dw[i * units + u]) == BitConverter.SingleToInt32Bits(dwWide[i * (units + 1) + u]),
                    $"dW[{i}, {u}]: blocked {dw[i * units + u]:R}, rank-one {dwWide[i * (units + 1) + u]:R} ({VectorPath.Description})");
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Multi_core_results_are_bit_identical_to_one_core(int rows, int inputs, int units)
    {
        // The threshold is lowered so that these small shapes split too (it changes no result).
        long defaultThreshold = Kernels.ParallelThreshold;
        Kernels.ParallelThreshold = 1 << 16;
        try { CompareParallelWithSerial(rows, inputs, units); }
        finally { Kernels.ParallelThreshold = defaultThreshold; }
    }

    private static void CompareParallelWithSerial(int rows, int inputs, int units)
    {
        float[] x = Sparse(rows * inputs, 5), w = TestData.Uniform(inputs * units, 6), b = TestData.Uniform(units, 7);
        float[] dz = Sparse(rows * units, 8);
        float[][] Run()
        {
            var y = new float[rows * units];
            var dw = new float[inputs * units];
            var dx = new float[rows * inputs];
            Kernels.Affine(x, w, b, y, rows, inputs, units);
            Kernels.WeightGradient(x, dz, dw, rows, inputs, units);
            Kernels.InputGradient(dz, w, dx, rows, inputs, units);
            float[] p = (float[])w.Clone();
            var adam = new Adam();
            for (int step = 0; step < 3; step++) adam.Step(p, dw);
            return [y, dw, dx, p];
        }
        bool large = (long)rows * inputs * units >= Kernels.ParallelThreshold;
        float[][] parallel = large
            ? SplitRuns.UntilSplit(Run, $"no kernel call of shape [{rows}, {inputs}] x [{inputs}, {units}] ran on more than one core")
            : Run();
        float[][] serial;
        Kernels.AllowParallel = false;
        try { serial = Run(); }
        finally { Kernels.AllowParallel = true; }
        for (int k = 0; k < serial.Length; k++)
            Assert.True(MemoryMarshal.AsBytes(serial[k].AsSpan()).SequenceEqual(MemoryMarshal.AsBytes(parallel[k].AsSpan())),
                $"output {k} differs between one core and {Kernels.Threads}");
    }

    [Fact]
    public void Adam_on_a_million_parameters_gives_the_same_bits_on_every_core()
    {
        // From 2²⁰ parameters Adam splits the update across the cores; each parameter's update is its own.
        const int count = (1 << 20) + 13;
        float[] start = TestData.Uniform(count, 41), gradient = Sparse(count, 42);
        float[] Run()
        {
            float[] p = (float[])start.Clone();
            var adam = new Adam();
            for (int step = 0; step < 3; step++) adam.Step(p, gradient);
            return p;
        }
        float[] parallel = Run();
        float[] serial;
        Kernels.AllowParallel = false;
        try { serial = Run(); }
        finally { Kernels.AllowParallel = true; }
        Assert.True(MemoryMarshal.AsBytes(serial.AsSpan()).SequenceEqual(MemoryMarshal.AsBytes(parallel.AsSpan())), "Adam differs between one core and every core");
        Assert.NotEqual(start, parallel); // the steps moved the parameters
    }

    [Fact]
    public void The_parallel_threshold_refuses_values_below_one() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => Kernels.ParallelThreshold = 0);

    [Theory]
    [InlineData(1, 1)]
    [InlineData(7, 3)]
    [InlineData(86_528, 32)]
    [InlineData(300, 64)]
    [InlineData(33, 100)]
    public void Bias_gradients_sum_each_column_in_row_order(int rows, int units)
    {
        // Each db[u] must be exactly ((0 + dz[0, u]) + dz[1, u]) + …: the order a plain loop adds in.
        float[] dz = Sparse(rows * units, 21);
        var db = new float[units];
        Kernels.BiasGradient(dz, db, rows, units);
        for (int u = 0; u < units; u++)
        {
            float expected = 0f;
            for (int r = 0; r < rows; r++) expected += dz[r * units + u];
            Assert.True(BitConverter.SingleToInt32Bits(expected) == BitConverter.SingleToInt32Bits(db[u]),
                $"{rows}×{units}: db[{u}] = {db[u]:R}, the row-order sum is {expected:R} ({VectorPath.Description})");
        }
    }

    [Fact]
    public void Shapes_longer_than_the_spans_are_refused()
    {
        Assert.Throws<ArgumentException>(() => Kernels.Affine(new float[10], new float[6], new float[2], new float[15], 5, 2, 3));
        Assert.Throws<ArgumentException>(() => Kernels.Affine(new float[10], new float[5], new float[3], new float[15], 5, 2, 3));
        Assert.Throws<ArgumentException>(() => Kernels.WeightGradient(new float[10], new float[15], new float[5], 5, 2, 3));
        Assert.Throws<ArgumentException>(() => Kernels.InputGradient(new float[14], new float[6], new float[10], 5, 2, 3));
        Assert.Throws<ArgumentOutOfRangeException>(() => Kernels.Affine(new float[10], new float[6], new float[3], new float[15], 5, 0, 3));
    }
}
