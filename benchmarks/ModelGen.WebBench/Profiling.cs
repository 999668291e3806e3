using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.InteropServices.JavaScript;
using System.Runtime.Intrinsics;
using System.Runtime.Versioning;
using System.Text;

namespace ModelGen.WebBench;

/// <summary>
/// Where a prediction's time goes in the browser (the runner's --profile): the public kernels on the networks'
/// shapes, and a few ways of writing the same 128-bit inner loop, each timed inside .NET.
/// </summary>
[SupportedOSPlatform("browser")]
public static unsafe partial class Profiling
{
    private static readonly StringBuilder s_text = new();

    private static void Time(string name, int calls, Action body)
    {
        for (int i = 0; i < Math.Max(3, calls / 10); i++) body();
        double best = double.MaxValue;
        for (int r = 0; r < 5; r++)
        {
            long start = Stopwatch.GetTimestamp();
            for (int i = 0; i < calls; i++) body();
            best = Math.Min(best, Stopwatch.GetElapsedTime(start).TotalMilliseconds * 1000 / calls);
        }
        s_text.Append(name).Append(": ").Append(best.ToString("0.0", System.Globalization.CultureInfo.InvariantCulture)).Append(" µs\n");
    }

    /// <summary>The timings as text, one per line; <paramref name="image"/> is one 784-float input.</summary>
    [JSExport]
    public static string Run(int address)
    {
        s_text.Clear();
        float[] x = new ReadOnlySpan<float>((float*)address, 784).ToArray();
        var random = new Random(1);
        float[] w1 = Enumerable.Range(0, 784 * 128).Select(_ => (float)random.NextDouble() - 0.5f).ToArray();
        float[] b1 = new float[128];
        float[] h = new float[128];
        float[] w2 = Enumerable.Range(0, 128 * 10).Select(_ => (float)random.NextDouble() - 0.5f).ToArray();
        float[] b2 = new float[10];
        float[] o = new float[10];
        int nonZero = x.Count(v => v != 0);
        s_text.Append($"input non-zeros: {nonZero} of 784\n");
        Bench.Predict(0);
        Time("MLP Predict (whole)", 200, () => Bench.Predict(0));
        Time("Kernels.Affine 1x784x128", 200, () => Kernels.Affine(x, w1, b1, h, 1, 784, 128));
        Time("Activations.ReLU 128", 2000, () => Activations.ReLU(h));
        Time("Kernels.Affine 1x128x10", 2000, () => Kernels.Affine(h, w2, b2, o, 1, 128, 10));
        Time("Activations.Softmax 10", 2000, () => Activations.Softmax(o, o, 1, 10));

        int[] indices = new int[784];
        int count = 0;
        Time("non-zero list, scalar loop", 500, () => count = NonZeroScalar(x, indices));
        Time("rows 784x128, generic-style (LoadUnsafe, MultiplyAddEstimate)", 200, () => RowsEstimate(x, indices, count, w1, b1, h));
        Time("rows 784x128, refs, a*b+c", 200, () => RowsRefs(x, indices, count, w1, b1, h));
        Time("rows 784x128, pointers, a*b+c", 200, () => RowsPointers(x, indices, count, w1, b1, h));
        Time("rows 784x128, scalar", 50, () => RowsScalar(x, indices, count, w1, b1, h));

        float[] patches = Enumerable.Range(0, 121 * 288).Select(_ => (float)random.NextDouble()).ToArray();
        float[] wc = Enumerable.Range(0, 288 * 64).Select(_ => (float)random.NextDouble() - 0.5f).ToArray();
        float[] bc = new float[64];
        float[] yc = new float[121 * 64];
        float[] patches1 = Enumerable.Range(0, 676 * 9).Select(_ => (float)random.NextDouble()).ToArray();
        float[] wc1 = Enumerable.Range(0, 9 * 32).Select(_ => (float)random.NextDouble() - 0.5f).ToArray();
        float[] yc1 = new float[676 * 32];
        Bench.Predict(1);
        Time("Convnet Predict (whole)", 10, () => Bench.Predict(1));
        ConvGeometry g1 = ConvGeometry.Create(28, 28, 1, 3, 3, 1, 1, Padding.Valid), p1 = ConvGeometry.Create(26, 26, 32, 2, 2, 2, 2, Padding.Valid);
        ConvGeometry g2 = ConvGeometry.Create(13, 13, 32, 3, 3, 1, 1, Padding.Valid), p2 = ConvGeometry.Create(11, 11, 64, 2, 2, 2, 2, Padding.Valid);
        float[] scratch = new float[676 * 288];
        float[] conv1 = new float[26 * 26 * 32], pool1 = new float[13 * 13 * 32], conv2 = new float[11 * 11 * 64], pool2 = new float[5 * 5 * 64];
        int[] positions = new int[13 * 13 * 32];
        float[] wk1 = Enumerable.Range(0, 9 * 32).Select(_ => (float)random.NextDouble() - 0.5f).ToArray();
        float[] wk2 = Enumerable.Range(0, 288 * 64).Select(_ => (float)random.NextDouble() - 0.5f).ToArray();
        float[] wd = Enumerable.Range(0, 1600 * 10).Select(_ => (float)random.NextDouble() - 0.5f).ToArray();
        Convolution.Forward(x, scratch, wk1, bc, conv1, 1, g1, 32);
        Activations.ReLU(conv1);
        Pooling.MaxPool(conv1, pool1, positions, 1, p1);
        Convolution.Forward(pool1, scratch, wk2, bc, conv2, 1, g2, 64);
        Activations.ReLU(conv2);
        Pooling.MaxPool(conv2, pool2, positions, 1, p2);
        s_text.Append($"non-zeros: pool1 {pool1.Count(v => v != 0)} of {pool1.Length}, pool2 {pool2.Count(v => v != 0)} of {pool2.Length}\n");
        Time("conv1 Convolution.Forward", 20, () => Convolution.Forward(x, scratch, wk1, bc, conv1, 1, g1, 32));
        Time("conv1 ReLU", 20, () => Activations.ReLU(conv1));
        Time("pool1 MaxPool", 20, () => Pooling.MaxPool(conv1, pool1, positions, 1, p1));
        Time("conv2 Convolution.Forward", 20, () => Convolution.Forward(pool1, scratch, wk2, bc, conv2, 1, g2, 64));
        float[] patches2 = new float[121 * 288];
        Time("conv2 Im2Col", 20, () => Convolution.Im2Col(pool1, patches2, 1, g2));
        s_text.Append($"conv2 patches non-zero: {patches2.Count(v => v != 0)} of {patches2.Length}\n");
        Time("conv2 product, Kernels.Affine 121x288x64 on its patches", 20, () => Kernels.Affine(patches2, wk2, bc, conv2, 121, 288, 64));
        Time("pool2 MaxPool", 20, () => Pooling.MaxPool(conv2, pool2, positions, 1, p2));
        Time("dense Kernels.Affine 1x1600x10", 200, () => Kernels.Affine(pool2, wd, bc, o, 1, 1600, 10));
        var groups = Type.GetType("ModelGen.RowGroupKernels, ModelGen.Runtime")!.GetField("s_groupsInBrowser", System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static)!;
        float[] batchInputs = new ReadOnlySpan<float>((float*)address, 784 * 1000).ToArray();
        float[] batchOutputs = new float[10 * 1000];
        var mlp = new ModelGen.Samples.Mnist.MnistMlp();
        mlp.InitializeParameters(5);
        var convnet = new ModelGen.Samples.Mnist.MnistConvNet();
        convnet.InitializeParameters(5);
        float[] convOutput = new float[10];
        for (int round = 0; round < 3; round++)
            foreach (bool on in new[] { true, false })
            {
                groups.SetValue(null, on);
                string mode = on ? "row groups" : "single rows";
                Time($"[{mode}] conv1 Convolution.Forward", 20, () => Convolution.Forward(x, scratch, wk1, bc, conv1, 1, g1, 32));
                Time($"[{mode}] conv2 Convolution.Forward", 20, () => Convolution.Forward(pool1, scratch, wk2, bc, conv2, 1, g2, 64));
                Time($"[{mode}] convnet Predict", 10, () => convnet.Predict(x, convOutput));
                Time($"[{mode}] MLP PredictBatch 1000", 1, () => mlp.PredictBatch(batchInputs, batchOutputs));
            }
        groups.SetValue(null, true);
        Time("Kernels.Affine 676x9x32 (conv1's product)", 10, () => Kernels.Affine(patches1, wc1, bc, yc1, 676, 9, 32));
        Time("Kernels.Affine 121x288x64 (conv2's product)", 10, () => Kernels.Affine(patches, wc, bc, yc, 121, 288, 64));
        Time("Activations.ReLU 21632", 20, () => Activations.ReLU(yc1));
        Time("tiles 121x288x64, pointers, a*b+c, 4x16", 10, () => Tiles(patches, wc, bc, yc, 121, 288, 64));
        float[] hidden = new float[128], outputs = new float[10];
        Time("MLP Predict (again, at the end)", 500, () => Bench.Predict(0));
        Time("MLP Predict on arrays (no interface)", 500, () => mlp.Predict(x, outputs));
        Time("hidden Affine + ReLU, output Affine + Softmax by hand", 500, () =>
        {
            Kernels.Affine(x, w1, b1, hidden, 1, 784, 128);
            Activations.ReLU(hidden);
            Kernels.Affine(hidden, w2, b2, outputs, 1, 128, 10);
            Activations.Softmax(outputs, outputs, 1, 10);
        });
        return s_text.ToString();
    }

    private static int NonZeroScalar(float[] x, int[] indices)
    {
        int count = 0;
        for (int i = 0; i < x.Length; i++) if (x[i] != 0f) indices[count++] = i;
        return count;
    }

    private static void RowsEstimate(float[] x, int[] indices, int count, float[] m, float[] start, float[] y)
    {
        ref float xr = ref MemoryMarshal.GetArrayDataReference(x);
        ref int ir = ref MemoryMarshal.GetArrayDataReference(indices);
        ref float mr = ref MemoryMarshal.GetArrayDataReference(m);
        for (int c = 0; c < 128; c += 32)
        {
            ref float s = ref MemoryMarshal.GetArrayDataReference(start);
            Vector128<float> a0 = Vector128.LoadUnsafe(ref s, (nuint)c), a1 = Vector128.LoadUnsafe(ref s, (nuint)c + 4), a2 = Vector128.LoadUnsafe(ref s, (nuint)c + 8), a3 = Vector128.LoadUnsafe(ref s, (nuint)c + 12);
            Vector128<float> a4 = Vector128.LoadUnsafe(ref s, (nuint)c + 16), a5 = Vector128.LoadUnsafe(ref s, (nuint)c + 20), a6 = Vector128.LoadUnsafe(ref s, (nuint)c + 24), a7 = Vector128.LoadUnsafe(ref s, (nuint)c + 28);
            for (int k = 0; k < count; k++)
            {
                int i = Unsafe.Add(ref ir, k);
                Vector128<float> xi = Vector128.Create(Unsafe.Add(ref xr, i));
                ref float row = ref Unsafe.Add(ref mr, (nint)i * 128 + c);
                a0 = Vector128.MultiplyAddEstimate(xi, Vector128.LoadUnsafe(ref row, 0), a0);
                a1 = Vector128.MultiplyAddEstimate(xi, Vector128.LoadUnsafe(ref row, 4), a1);
                a2 = Vector128.MultiplyAddEstimate(xi, Vector128.LoadUnsafe(ref row, 8), a2);
                a3 = Vector128.MultiplyAddEstimate(xi, Vector128.LoadUnsafe(ref row, 12), a3);
                a4 = Vector128.MultiplyAddEstimate(xi, Vector128.LoadUnsafe(ref row, 16), a4);
                a5 = Vector128.MultiplyAddEstimate(xi, Vector128.LoadUnsafe(ref row, 20), a5);
                a6 = Vector128.MultiplyAddEstimate(xi, Vector128.LoadUnsafe(ref row, 24), a6);
                a7 = Vector128.MultiplyAddEstimate(xi, Vector128.LoadUnsafe(ref row, 28), a7);
            }
            ref float o = ref MemoryMarshal.GetArrayDataReference(y);
            a0.StoreUnsafe(ref o, (nuint)c); a1.StoreUnsafe(ref o, (nuint)c + 4); a2.StoreUnsafe(ref o, (nuint)c + 8); a3.StoreUnsafe(ref o, (nuint)c + 12);
            a4.StoreUnsafe(ref o, (nuint)c + 16); a5.StoreUnsafe(ref o, (nuint)c + 20); a6.StoreUnsafe(ref o, (nuint)c + 24); a7.StoreUnsafe(ref o, (nuint)c + 28);
        }
    }

    private static void RowsRefs(float[] x, int[] indices, int count, float[] m, float[] start, float[] y)
    {
        ref float xr = ref MemoryMarshal.GetArrayDataReference(x);
        ref int ir = ref MemoryMarshal.GetArrayDataReference(indices);
        ref float mr = ref MemoryMarshal.GetArrayDataReference(m);
        for (int c = 0; c < 128; c += 32)
        {
            ref float s = ref MemoryMarshal.GetArrayDataReference(start);
            Vector128<float> a0 = Vector128.LoadUnsafe(ref s, (nuint)c), a1 = Vector128.LoadUnsafe(ref s, (nuint)c + 4), a2 = Vector128.LoadUnsafe(ref s, (nuint)c + 8), a3 = Vector128.LoadUnsafe(ref s, (nuint)c + 12);
            Vector128<float> a4 = Vector128.LoadUnsafe(ref s, (nuint)c + 16), a5 = Vector128.LoadUnsafe(ref s, (nuint)c + 20), a6 = Vector128.LoadUnsafe(ref s, (nuint)c + 24), a7 = Vector128.LoadUnsafe(ref s, (nuint)c + 28);
            for (int k = 0; k < count; k++)
            {
                int i = Unsafe.Add(ref ir, k);
                Vector128<float> xi = Vector128.Create(Unsafe.Add(ref xr, i));
                ref float row = ref Unsafe.Add(ref mr, (nint)i * 128 + c);
                a0 = xi * Vector128.LoadUnsafe(ref row, 0) + a0;
                a1 = xi * Vector128.LoadUnsafe(ref row, 4) + a1;
                a2 = xi * Vector128.LoadUnsafe(ref row, 8) + a2;
                a3 = xi * Vector128.LoadUnsafe(ref row, 12) + a3;
                a4 = xi * Vector128.LoadUnsafe(ref row, 16) + a4;
                a5 = xi * Vector128.LoadUnsafe(ref row, 20) + a5;
                a6 = xi * Vector128.LoadUnsafe(ref row, 24) + a6;
                a7 = xi * Vector128.LoadUnsafe(ref row, 28) + a7;
            }
            ref float o = ref MemoryMarshal.GetArrayDataReference(y);
            a0.StoreUnsafe(ref o, (nuint)c); a1.StoreUnsafe(ref o, (nuint)c + 4); a2.StoreUnsafe(ref o, (nuint)c + 8); a3.StoreUnsafe(ref o, (nuint)c + 12);
            a4.StoreUnsafe(ref o, (nuint)c + 16); a5.StoreUnsafe(ref o, (nuint)c + 20); a6.StoreUnsafe(ref o, (nuint)c + 24); a7.StoreUnsafe(ref o, (nuint)c + 28);
        }
    }

    private static void RowsPointers(float[] x, int[] indices, int count, float[] m, float[] start, float[] y)
    {
        fixed (float* px = x, pm = m, ps = start, py = y)
        fixed (int* pi = indices)
        {
            for (int c = 0; c < 128; c += 32)
            {
                float* s = ps + c;
                Vector128<float> a0 = Vector128.Load(s), a1 = Vector128.Load(s + 4), a2 = Vector128.Load(s + 8), a3 = Vector128.Load(s + 12);
                Vector128<float> a4 = Vector128.Load(s + 16), a5 = Vector128.Load(s + 20), a6 = Vector128.Load(s + 24), a7 = Vector128.Load(s + 28);
                for (int k = 0; k < count; k++)
                {
                    int i = pi[k];
                    Vector128<float> xi = Vector128.Create(px[i]);
                    float* row = pm + i * 128 + c;
                    a0 = xi * Vector128.Load(row) + a0;
                    a1 = xi * Vector128.Load(row + 4) + a1;
                    a2 = xi * Vector128.Load(row + 8) + a2;
                    a3 = xi * Vector128.Load(row + 12) + a3;
                    a4 = xi * Vector128.Load(row + 16) + a4;
                    a5 = xi * Vector128.Load(row + 20) + a5;
                    a6 = xi * Vector128.Load(row + 24) + a6;
                    a7 = xi * Vector128.Load(row + 28) + a7;
                }
                float* o = py + c;
                a0.Store(o); a1.Store(o + 4); a2.Store(o + 8); a3.Store(o + 12);
                a4.Store(o + 16); a5.Store(o + 20); a6.Store(o + 24); a7.Store(o + 28);
            }
        }
    }

    private static void RowsScalar(float[] x, int[] indices, int count, float[] m, float[] start, float[] y)
    {
        for (int c = 0; c < 128; c++)
        {
            float a = start[c];
            for (int k = 0; k < count; k++)
            {
                int i = indices[k];
                a = x[i] * m[i * 128 + c] + a;
            }
            y[c] = a;
        }
    }

    // y [rows, units] = a [rows, steps] · b [steps, units] + start: 4 rows × 16 columns of y in registers.
    private static void Tiles(float[] a, float[] b, float[] start, float[] y, int rows, int steps, int units)
    {
        fixed (float* pa = a, pb = b, ps = start, py = y)
        {
            int r = 0;
            for (; r + 4 <= rows; r += 4)
            {
                for (int c = 0; c < units; c += 16)
                {
                    Vector128<float> s0 = Vector128.Load(ps + c), s1 = Vector128.Load(ps + c + 4), s2 = Vector128.Load(ps + c + 8), s3 = Vector128.Load(ps + c + 12);
                    Vector128<float> a00 = s0, a01 = s1, a02 = s2, a03 = s3, a10 = s0, a11 = s1, a12 = s2, a13 = s3;
                    Vector128<float> a20 = s0, a21 = s1, a22 = s2, a23 = s3, a30 = s0, a31 = s1, a32 = s2, a33 = s3;
                    float* x0 = pa + r * steps;
                    float* bp = pb + c;
                    for (int k = 0; k < steps; k++, bp += units)
                    {
                        Vector128<float> b0 = Vector128.Load(bp), b1 = Vector128.Load(bp + 4), b2 = Vector128.Load(bp + 8), b3 = Vector128.Load(bp + 12);
                        Vector128<float> x = Vector128.Create(x0[k]);
                        a00 = x * b0 + a00; a01 = x * b1 + a01; a02 = x * b2 + a02; a03 = x * b3 + a03;
                        x = Vector128.Create(x0[steps + k]);
                        a10 = x * b0 + a10; a11 = x * b1 + a11; a12 = x * b2 + a12; a13 = x * b3 + a13;
                        x = Vector128.Create(x0[2 * steps + k]);
                        a20 = x * b0 + a20; a21 = x * b1 + a21; a22 = x * b2 + a22; a23 = x * b3 + a23;
                        x = Vector128.Create(x0[3 * steps + k]);
                        a30 = x * b0 + a30; a31 = x * b1 + a31; a32 = x * b2 + a32; a33 = x * b3 + a33;
                    }
                    float* o = py + r * units + c;
                    a00.Store(o); a01.Store(o + 4); a02.Store(o + 8); a03.Store(o + 12); o += units;
                    a10.Store(o); a11.Store(o + 4); a12.Store(o + 8); a13.Store(o + 12); o += units;
                    a20.Store(o); a21.Store(o + 4); a22.Store(o + 8); a23.Store(o + 12); o += units;
                    a30.Store(o); a31.Store(o + 4); a32.Store(o + 8); a33.Store(o + 12);
                }
            }
        }
    }
}
