using System.Runtime.Intrinsics;

namespace ModelGen;

/// <summary>
/// Per-channel sums in double over rows of channels-last floats, for batch normalization: each channel's
/// sum adds its rows in row order (or its quarters' sums, see below), exactly as a scalar loop over the channels would (a lane of a double
/// vector is one channel; float → double is exact, and the products are rounded before they are added,
/// never fused), so the results are the same bits at every vector width.
/// </summary>
/// <remarks>
/// A channel's sum is one chain of dependent additions, as long as the rows, and no thread count or vector width can
/// shorten it without changing its bits. Sums of fewer than two blocks of channels over 2^17 values or more are the
/// exception: there one core would sweep every row while the other waits, so they are four chains over fixed quarters
/// of the rows, added in order (the same bits at any thread count and vector width, not the single chain's).
/// What can be saved otherwise is running the chains one after another: each pass takes a
/// block of up to two vectors of channels (32 on the 512-bit path, four vectors of doubles) across all the rows at once,
/// so a row's block of channels is read as one run, and its chains advance side by side. A ResNet's 16-channel layers
/// sweep their rows once rather than once per 8 channels, as they did with 256-bit blocks.
/// </remarks>
internal static unsafe class ChannelSums
{
    /// <summary>sum[c] += Σ_r x[r, c], rows in order.</summary>
    public static void Add(float* x, double* sum, int rows, int channels) =>
        Run(Pass.Sum, x, null, sum, null, rows, channels);

    /// <summary>deviation[c] += Σ_r (x[r, c] − mean[c])², rows in order, each square rounded before it is added.</summary>
    public static void AddSquaredDeviations(float* x, double* mean, double* deviation, int rows, int channels) =>
        Run(Pass.SquaredDeviations, x, null, mean, deviation, rows, channels);

    /// <summary>sum[c] += Σ_r a[r, c] and products[c] += Σ_r (double)a[r, c]·b[r, c], rows in order.</summary>
    public static void AddWithProducts(float* a, float* b, double* sum, double* products, int rows, int channels) =>
        Run(Pass.WithProducts, a, b, sum, products, rows, channels);

    // ---- Across the cores: blocks of channels. ----

    /// <summary>Channels per chunk's block: one 512-bit vector of floats, a row's 64-byte cache line, so chunks share no line of a row.</summary>
    private const int BlockChannels = 16;

    /// <summary>Values (rows × channels) from which the channel blocks go to the worker pool: below it, waking a worker costs more than it saves.</summary>
    private const long ParallelValues = 1 << 17;

    private enum Pass { Sum, SquaredDeviations, WithProducts }

    private struct Job
    {
        public float* A, B;
        public double* First, Second;
        public int Rows, Channels;
        public Pass Pass;
    }

    // With two blocks of channels or more each chunk takes whole blocks, each of its channels' sums the same chain of
    // additions as on one core, so the bits are the same. One block has nothing to share that way (a 16-channel layer's
    // sums are one sweep of chains, which only one core can run in order), so large ones sum fixed blocks of rows instead.
    private static void Run(Pass pass, float* a, float* b, double* first, double* second, int rows, int channels)
    {
        var job = new Job { A = a, B = b, First = first, Second = second, Rows = rows, Channels = channels, Pass = pass };
        if (SumsRowBlocks(rows, channels))
        {
            RunRowBlocks(job);
            return;
        }
        int chunks = Math.Min(WorkerPool.Threads, channels / BlockChannels);
        if (chunks < 2 || !Kernels.AllowParallel || (long)rows * channels < ParallelValues)
        {
            Block(job, 0, channels);
            return;
        }
        var args = new KernelArgs { A = (float*)&job };
        WorkerPool.RunChunks(&Part, ref args, chunks);
    }

    // ---- Across the cores: fixed blocks of rows, for few channels. ----

    /// <summary>Row blocks of a few-channel sum: a fixed count, so the bits never depend on the thread count.</summary>
    private const int RowBlocks = 4;

    /// <summary>
    /// Whether the sums run over <see cref="RowBlocks"/> blocks of rows, each its own chain from zero, added to the sums in
    /// block order: channels that fit in one block of a core (fewer than two, so the channel blocks cannot share them), over
    /// enough values to pay for the workers. Shapes alone decide, so a layer's bits are the same on any machine and thread
    /// count; they are not the one-chain bits, which such layers had before (a few units in the last place of a double).
    /// </summary>
    private static bool SumsRowBlocks(int rows, int channels) => channels < 2 * BlockChannels && (long)rows * channels >= ParallelValues;

    private static void RunRowBlocks(in Job job)
    {
        int channels = job.Channels;
        double* partials = stackalloc double[RowBlocks * 2 * channels];
        new Span<double>(partials, RowBlocks * 2 * channels).Clear();
        var blocks = job;
        blocks.Second = partials; // each block's two outputs, [RowBlocks, 2, channels]
        var args = new KernelArgs { A = (float*)&blocks };
        WorkerPool.RunChunks(&RowPart, ref args, Kernels.AllowParallel ? Math.Min(WorkerPool.Threads, RowBlocks) : 1);
        // The sums in block order; a squared-deviation job's first pointer is the mean, which it only reads.
        bool firstIsOutput = job.Pass != Pass.SquaredDeviations;
        for (int k = 0; k < RowBlocks; k++)
        {
            double* partial = partials + k * 2 * channels;
            for (int c = 0; c < channels; c++)
            {
                if (firstIsOutput) job.First[c] += partial[c];
                if (job.Pass != Pass.Sum) job.Second[c] += partial[channels + c];
            }
        }
    }

    // Job.Second = the partials; chunk c of n sums blocks [c·RowBlocks/n, (c+1)·RowBlocks/n) of the rows.
    private static void RowPart(ref KernelArgs args, int chunk, int chunks)
    {
        ref Job job = ref *(Job*)args.A;
        var (firstBlock, endBlock) = WorkerPool.Range(RowBlocks, chunk, chunks);
        for (int k = firstBlock; k < endBlock; k++)
        {
            var (start, end) = WorkerPool.Range(job.Rows, k, RowBlocks);
            double* partial = job.Second + k * 2 * job.Channels;
            var block = job;
            block.A = job.A + (long)start * job.Channels;
            block.B = job.B == null ? null : job.B + (long)start * job.Channels;
            block.Rows = end - start;
            // Outputs into the block's partial: the first (sum) and second (deviation or products) halves.
            if (job.Pass == Pass.SquaredDeviations) block.Second = partial + job.Channels;
            else
            {
                block.First = partial;
                block.Second = partial + job.Channels;
            }
            Block(block, 0, job.Channels);
        }
    }

    private static void Part(ref KernelArgs args, int chunk, int chunks)
    {
        ref Job job = ref *(Job*)args.A;
        var (start, end) = WorkerPool.Range(job.Channels, chunk, chunks, BlockChannels);
        if (start < end) Block(job, start, end - start);
    }

    // Channels [start, start + count) of the job, rows job.Channels floats apart.
    private static void Block(in Job j, int start, int count)
    {
        switch (j.Pass)
        {
            case Pass.Sum: Add(j.A + start, j.First + start, j.Rows, count, j.Channels); break;
            case Pass.SquaredDeviations: AddSquaredDeviations(j.A + start, j.First + start, j.Second + start, j.Rows, count, j.Channels); break;
            default: AddWithProducts(j.A + start, j.B + start, j.First + start, j.Second + start, j.Rows, count, j.Channels); break;
        }
    }

    // ---- One core: count channels of rows stride floats apart. ----

    private static void Add(float* x, double* sum, int rows, int channels, int stride)
    {
        int c = 0;
        if (Vector512.IsHardwareAccelerated) c = Add<Widen512, Vector512<float>, Vector512<double>>(x, sum, rows, channels, stride, c);
        if (Vector256.IsHardwareAccelerated) c = Add<Widen256, Vector256<float>, Vector256<double>>(x, sum, rows, channels, stride, c);
        if (Vector128.IsHardwareAccelerated) c = Add<Widen128, Vector128<float>, Vector128<double>>(x, sum, rows, channels, stride, c);
        for (; c < channels; c++)
        {
            double s = sum[c];
            float* p = x + c;
            for (int r = 0; r < rows; r++, p += stride) s += *p;
            sum[c] = s;
        }
    }

    private static void AddSquaredDeviations(float* x, double* mean, double* deviation, int rows, int channels, int stride)
    {
        int c = 0;
        if (Vector512.IsHardwareAccelerated) c = AddSquaredDeviations<Widen512, Vector512<float>, Vector512<double>>(x, mean, deviation, rows, channels, stride, c);
        if (Vector256.IsHardwareAccelerated) c = AddSquaredDeviations<Widen256, Vector256<float>, Vector256<double>>(x, mean, deviation, rows, channels, stride, c);
        if (Vector128.IsHardwareAccelerated) c = AddSquaredDeviations<Widen128, Vector128<float>, Vector128<double>>(x, mean, deviation, rows, channels, stride, c);
        for (; c < channels; c++)
        {
            double s = deviation[c], m = mean[c];
            float* p = x + c;
            for (int r = 0; r < rows; r++, p += stride)
            {
                double d = *p - m;
                s += d * d;
            }
            deviation[c] = s;
        }
    }

    private static void AddWithProducts(float* a, float* b, double* sum, double* products, int rows, int channels, int stride)
    {
        int c = 0;
        if (Vector512.IsHardwareAccelerated) c = AddWithProducts<Widen512, Vector512<float>, Vector512<double>>(a, b, sum, products, rows, channels, stride, c);
        if (Vector256.IsHardwareAccelerated) c = AddWithProducts<Widen256, Vector256<float>, Vector256<double>>(a, b, sum, products, rows, channels, stride, c);
        if (Vector128.IsHardwareAccelerated) c = AddWithProducts<Widen128, Vector128<float>, Vector128<double>>(a, b, sum, products, rows, channels, stride, c);
        for (; c < channels; c++)
        {
            double s = sum[c], q = products[c];
            float* pa = a + c, pb = b + c;
            for (int r = 0; r < rows; r++, pa += stride, pb += stride)
            {
                s += *pa;
                q += (double)*pa * *pb;
            }
            sum[c] = s;
            products[c] = q;
        }
    }

    // Each generic pass starts at channel c and returns where it stopped: blocks of two vectors of floats (four chains
    // of doubles), then of one; the narrower widths and the scalar loop take the channels that are left.

    private static int Add<TOps, TF, TD>(float* x, double* sum, int rows, int channels, int stride, int c)
        where TOps : struct, IWideningOps<TF, TD> where TF : struct where TD : struct
    {
        int n = TOps.Count, half = n / 2;
        for (; c <= channels - 2 * n; c += 2 * n)
        {
            double* s = sum + c;
            TD s0 = TOps.Load(s), s1 = TOps.Load(s + half), s2 = TOps.Load(s + n), s3 = TOps.Load(s + n + half);
            float* p = x + c;
            for (int r = 0; r < rows; r++, p += stride)
            {
                TF v0 = TOps.Load(p), v1 = TOps.Load(p + n);
                s0 = TOps.Add(s0, TOps.Lower(v0));
                s1 = TOps.Add(s1, TOps.Upper(v0));
                s2 = TOps.Add(s2, TOps.Lower(v1));
                s3 = TOps.Add(s3, TOps.Upper(v1));
            }
            TOps.Store(s0, s); TOps.Store(s1, s + half); TOps.Store(s2, s + n); TOps.Store(s3, s + n + half);
        }
        for (; c <= channels - n; c += n)
        {
            double* s = sum + c;
            TD s0 = TOps.Load(s), s1 = TOps.Load(s + half);
            float* p = x + c;
            for (int r = 0; r < rows; r++, p += stride)
            {
                TF v = TOps.Load(p);
                s0 = TOps.Add(s0, TOps.Lower(v));
                s1 = TOps.Add(s1, TOps.Upper(v));
            }
            TOps.Store(s0, s); TOps.Store(s1, s + half);
        }
        return c;
    }

    private static int AddSquaredDeviations<TOps, TF, TD>(float* x, double* mean, double* deviation, int rows, int channels, int stride, int c)
        where TOps : struct, IWideningOps<TF, TD> where TF : struct where TD : struct
    {
        int n = TOps.Count, half = n / 2;
        for (; c <= channels - 2 * n; c += 2 * n)
        {
            double* s = deviation + c, m = mean + c;
            TD s0 = TOps.Load(s), s1 = TOps.Load(s + half), s2 = TOps.Load(s + n), s3 = TOps.Load(s + n + half);
            TD m0 = TOps.Load(m), m1 = TOps.Load(m + half), m2 = TOps.Load(m + n), m3 = TOps.Load(m + n + half);
            float* p = x + c;
            for (int r = 0; r < rows; r++, p += stride)
            {
                TF v0 = TOps.Load(p), v1 = TOps.Load(p + n);
                TD d0 = TOps.Subtract(TOps.Lower(v0), m0), d1 = TOps.Subtract(TOps.Upper(v0), m1);
                TD d2 = TOps.Subtract(TOps.Lower(v1), m2), d3 = TOps.Subtract(TOps.Upper(v1), m3);
                s0 = TOps.Add(s0, TOps.Multiply(d0, d0));
                s1 = TOps.Add(s1, TOps.Multiply(d1, d1));
                s2 = TOps.Add(s2, TOps.Multiply(d2, d2));
                s3 = TOps.Add(s3, TOps.Multiply(d3, d3));
            }
            TOps.Store(s0, s); TOps.Store(s1, s + half); TOps.Store(s2, s + n); TOps.Store(s3, s + n + half);
        }
        for (; c <= channels - n; c += n)
        {
            double* s = deviation + c, m = mean + c;
            TD s0 = TOps.Load(s), s1 = TOps.Load(s + half), m0 = TOps.Load(m), m1 = TOps.Load(m + half);
            float* p = x + c;
            for (int r = 0; r < rows; r++, p += stride)
            {
                TF v = TOps.Load(p);
                TD d0 = TOps.Subtract(TOps.Lower(v), m0), d1 = TOps.Subtract(TOps.Upper(v), m1);
                s0 = TOps.Add(s0, TOps.Multiply(d0, d0));
                s1 = TOps.Add(s1, TOps.Multiply(d1, d1));
            }
            TOps.Store(s0, s); TOps.Store(s1, s + half);
        }
        return c;
    }

    private static int AddWithProducts<TOps, TF, TD>(float* a, float* b, double* sum, double* products, int rows, int channels, int stride, int c)
        where TOps : struct, IWideningOps<TF, TD> where TF : struct where TD : struct
    {
        int n = TOps.Count, half = n / 2;
        for (; c <= channels - 2 * n; c += 2 * n)
        {
            double* s = sum + c, q = products + c;
            TD s0 = TOps.Load(s), s1 = TOps.Load(s + half), s2 = TOps.Load(s + n), s3 = TOps.Load(s + n + half);
            TD q0 = TOps.Load(q), q1 = TOps.Load(q + half), q2 = TOps.Load(q + n), q3 = TOps.Load(q + n + half);
            float* pa = a + c, pb = b + c;
            for (int r = 0; r < rows; r++, pa += stride, pb += stride)
            {
                TF va0 = TOps.Load(pa), va1 = TOps.Load(pa + n), vb0 = TOps.Load(pb), vb1 = TOps.Load(pb + n);
                TD a0 = TOps.Lower(va0), a1 = TOps.Upper(va0), a2 = TOps.Lower(va1), a3 = TOps.Upper(va1);
                s0 = TOps.Add(s0, a0);
                s1 = TOps.Add(s1, a1);
                s2 = TOps.Add(s2, a2);
                s3 = TOps.Add(s3, a3);
                q0 = TOps.Add(q0, TOps.Multiply(a0, TOps.Lower(vb0)));
                q1 = TOps.Add(q1, TOps.Multiply(a1, TOps.Upper(vb0)));
                q2 = TOps.Add(q2, TOps.Multiply(a2, TOps.Lower(vb1)));
                q3 = TOps.Add(q3, TOps.Multiply(a3, TOps.Upper(vb1)));
            }
            TOps.Store(s0, s); TOps.Store(s1, s + half); TOps.Store(s2, s + n); TOps.Store(s3, s + n + half);
            TOps.Store(q0, q); TOps.Store(q1, q + half); TOps.Store(q2, q + n); TOps.Store(q3, q + n + half);
        }
        for (; c <= channels - n; c += n)
        {
            double* s = sum + c, q = products + c;
            TD s0 = TOps.Load(s), s1 = TOps.Load(s + half), q0 = TOps.Load(q), q1 = TOps.Load(q + half);
            float* pa = a + c, pb = b + c;
            for (int r = 0; r < rows; r++, pa += stride, pb += stride)
            {
                TF va = TOps.Load(pa), vb = TOps.Load(pb);
                TD a0 = TOps.Lower(va), a1 = TOps.Upper(va);
                s0 = TOps.Add(s0, a0);
                s1 = TOps.Add(s1, a1);
                q0 = TOps.Add(q0, TOps.Multiply(a0, TOps.Lower(vb)));
                q1 = TOps.Add(q1, TOps.Multiply(a1, TOps.Upper(vb)));
            }
            TOps.Store(s0, s); TOps.Store(s1, s + half);
            TOps.Store(q0, q); TOps.Store(q1, q + half);
        }
        return c;
    }
}
