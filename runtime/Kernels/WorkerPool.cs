using System.Diagnostics;

namespace ModelGen;

/// <summary>A piece of work cut into chunks that run on any thread, for work that is not a kernel over raw buffers (whole forward passes).</summary>
internal interface IChunkJob
{
    /// <summary>Runs chunk <paramref name="chunk"/> of <paramref name="chunks"/> on the thread of <paramref name="lane"/> (0 is the caller, 1.. the workers): no two chunks run on one lane at once.</summary>
    void RunChunk(int chunk, int chunks, int lane);
}

/// <summary>The arguments of one parallel kernel call: raw pointers to pinned buffers and the shapes.</summary>
internal unsafe struct KernelArgs
{
    public float* A, B, C, D;
    public ConvGeometry* Images;
    public int Rows, Inputs, Units, Length;
    public float S0, S1, S2, S3, S4;

    /// <summary>Sorted, disjoint ranges [E[0], E[1]), [E[2], E[3]), … of <see cref="Length"/> (the optimizers' weight decay); EdgeCount values.</summary>
    public int* Edges;
    public int EdgeCount;
}

/// <summary>
/// Splits a kernel call across the machine's cores. A call is cut into a fixed number of chunks that
/// the caller and persistent worker threads take in turn from a shared counter; the caller finishes
/// whatever no worker has taken, so a busy machine never leaves it waiting for a descheduled worker.
/// Kernels cut their output so each element belongs to exactly one chunk and is computed in the same
/// order as on one thread: results are bit-identical whatever the number of threads or the timing.
/// Workers spin briefly between calls (a training step makes several in a row) and then park.
/// Nothing here allocates after start-up. One caller at a time: a call made while the pool is busy
/// (a second model on another thread, or a kernel inside a chunk of a job) runs on its caller's thread
/// alone. The gate is not re-entrant on purpose: a kernel called from the caller's own chunk must not
/// restart the pool under the chunks still running.
/// </summary>
internal static unsafe class WorkerPool
{
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "Workers live as long as the process; their semaphores are never released early.")]
    private sealed class Worker
    {
        public readonly SemaphoreSlim Signal = new(0);
        public volatile int Parked;
        public long AllocatedBytes; // allocations by this worker's kernel work, for the allocation tests
    }

    /// <summary>Chunks per call: a few per thread, so an uneven or late thread costs little.</summary>
    private const int ChunksPerThread = 4;

    private static readonly Worker[] s_workers = CreateWorkers();
    private static int s_busy; // 1 while a parallel call runs: the gate
    private static KernelArgs s_args;
    private static IChunkJob? s_job;
    private static delegate*<ref KernelArgs, int, int, void> s_body;

    // The chunk tickets: each call has a generation, and both counters carry it in their high 32 bits. s_call is the
    // call's (generation, chunk count), s_next its (generation, next chunk to take). A thread that takes a ticket checks
    // it against s_call: a ticket of an earlier call (a worker that took one as that call ended and was descheduled
    // before reading the count, while the caller started the next call) is refused, so no chunk runs twice and the count
    // of remaining chunks never goes below 0. (Before the generations, such a late taker read the next call's count,
    // ran one of its chunks a second time, and its caller waited forever; seen once in some million calls.)
    private static int s_generation;
    private static long s_call, s_next;
    private static int s_remaining;
    private static int s_sequence;
    private static Exception? s_failure;

    /// <summary>How long an idle worker spins before parking, in stopwatch ticks (about 100 µs).</summary>
    private static readonly long s_spinTicks = Stopwatch.Frequency / 10_000;

    // Calls this thread made that were spread over the cores: lets tests prove the parallel path ran.
    [ThreadStatic] private static long t_parallelCalls;

    // 0 on any caller's thread, i on worker i: a job's chunk uses the lane's own buffers.
    [ThreadStatic] private static int t_lane;

    /// <summary>How many kernel calls made on this thread were split across the cores.</summary>
    public static long ParallelCallsOnThisThread => t_parallelCalls;

    /// <summary>Chunks of a parallel call (a serial call is one chunk).</summary>
    public static int ParallelChunks => (s_workers.Length + 1) * ChunksPerThread;

    /// <summary>Whether a parallel call is running (a kernel called now from one of its chunks runs on its own thread).</summary>
    public static bool Busy => Volatile.Read(ref s_busy) != 0;

    /// <summary>Threads a kernel may use, the caller included.</summary>
    public static int Threads => s_workers.Length + 1;

    /// <summary>Bytes allocated on worker threads while running kernel chunks (zero is the contract).</summary>
    public static long WorkerAllocatedBytes
    {
        get
        {
            long total = 0;
            foreach (Worker worker in s_workers) total += Volatile.Read(ref worker.AllocatedBytes);
            return total;
        }
    }

    private static Worker[] CreateWorkers()
    {
        int threads = Environment.ProcessorCount;
        if (int.TryParse(Environment.GetEnvironmentVariable("MODELGEN_THREADS"), out int requested) && requested >= 1)
            threads = Math.Min(threads, requested);
        // .NET in the browser (and WASI) runs on the page's one thread: no workers, whatever ProcessorCount says (a
        // thread could not start there). A constant, false on CoreCLR.
        if (OperatingSystem.IsBrowser() || OperatingSystem.IsWasi()) threads = 1;
        var workers = new Worker[Math.Max(0, threads - 1)];
        for (int i = 0; i < workers.Length; i++)
        {
            Worker worker = workers[i] = new Worker();
            int lane = i + 1;
            var thread = new Thread(() => WorkerLoop(worker, lane)) { IsBackground = true, Name = "ModelGen kernel worker " + (i + 1) };
            thread.Start();
        }
        return workers;
    }

    /// <summary>
    /// Runs <paramref name="body"/>(args, chunk, chunks) for every chunk: spread over the cores when
    /// <paramref name="parallel"/> and the pool is free, otherwise as one chunk on this thread.
    /// </summary>
    public static void Run(delegate*<ref KernelArgs, int, int, void> body, ref KernelArgs args, bool parallel) =>
        RunChunks(body, ref args, parallel ? ParallelChunks : 1);

    /// <summary>
    /// Runs <paramref name="body"/>(args, chunk, <paramref name="chunks"/>) for every chunk: spread over the cores when the pool
    /// is free, otherwise as one chunk on this thread. For work that comes in a few large pieces (one per thread) rather
    /// than <see cref="ParallelChunks"/>.
    /// </summary>
    public static void RunChunks(delegate*<ref KernelArgs, int, int, void> body, ref KernelArgs args, int chunks)
    {
        if (chunks < 2 || s_workers.Length == 0 || Interlocked.CompareExchange(ref s_busy, 1, 0) != 0)
        {
            body(ref args, 0, 1);
            return;
        }
        RunHoldingGate(body, ref args, chunks);
    }

    /// <summary>
    /// Runs every chunk of <paramref name="job"/>, spread over the cores when the pool is free, otherwise
    /// all of them in order on this thread (lane 0). Kernels the chunks call run on their own thread.
    /// </summary>
    public static void RunJob(IChunkJob job, int chunks)
    {
        if (s_workers.Length == 0 || chunks < 2 || Interlocked.CompareExchange(ref s_busy, 1, 0) != 0)
        {
            for (int chunk = 0; chunk < chunks; chunk++) job.RunChunk(chunk, chunks, 0);
            return;
        }
        s_job = job;
        var none = default(KernelArgs);
        try
        {
            RunHoldingGate(&RunJobChunk, ref none, chunks);
        }
        finally
        {
            s_job = null;
        }
    }

    private static void RunJobChunk(ref KernelArgs args, int chunk, int chunks) => s_job!.RunChunk(chunk, chunks, t_lane);

    private static void RunHoldingGate(delegate*<ref KernelArgs, int, int, void> body, ref KernelArgs args, int chunks)
    {
        try
        {
            t_parallelCalls++;
            s_args = args;
            s_body = body;
            s_remaining = chunks;
            s_failure = null;
            long generation = (long)(uint)++s_generation << 32; // only the gate's holder counts
            Volatile.Write(ref s_call, generation | (uint)chunks);
            Volatile.Write(ref s_next, generation);  // opens the chunks
            Interlocked.Increment(ref s_sequence);  // wakes the workers (a full fence)
            foreach (Worker worker in s_workers)
                if (worker.Parked == 1) worker.Signal.Release();
            TakeChunks();
            var spin = new SpinWait();
            // Every chunk finishes, even after a failure, before the caller's pinned buffers are released.
            while (Volatile.Read(ref s_remaining) != 0) spin.SpinOnce(sleep1Threshold: -1);
            if (s_failure is { } failure) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failure);
        }
        finally
        {
            Volatile.Write(ref s_busy, 0);
        }
    }

    /// <summary>
    /// Runs chunks until none is left. A ticket counts only if it is the current call's and within its chunks; then the
    /// call cannot end, nor its arguments change, before that chunk is done.
    /// </summary>
    private static void TakeChunks()
    {
        while (true)
        {
            long ticket = Interlocked.Increment(ref s_next) - 1;
            long call = Volatile.Read(ref s_call);
            int chunk = (int)(uint)ticket, chunks = (int)(uint)call;
            if (ticket >> 32 != call >> 32 || chunk >= chunks) return;
            try
            {
                s_body(ref s_args, chunk, chunks);
            }
            catch (Exception e)
            {
                // Kept for the caller to rethrow: a worker thread must not die, nor the call end early.
                Interlocked.CompareExchange(ref s_failure, e, null);
            }
            finally
            {
                Interlocked.Decrement(ref s_remaining);
            }
        }
    }

    private static void WorkerLoop(Worker worker, int lane)
    {
        t_lane = lane;
        int seen = 0;
        while (true)
        {
            long spinUntil = Stopwatch.GetTimestamp() + s_spinTicks;
            while (Volatile.Read(ref s_sequence) == seen)
            {
                if (Stopwatch.GetTimestamp() < spinUntil)
                {
                    Thread.SpinWait(20);
                    continue;
                }
                worker.Parked = 1;
                Interlocked.MemoryBarrier();
                if (Volatile.Read(ref s_sequence) == seen) worker.Signal.Wait();
                worker.Parked = 0;
                spinUntil = Stopwatch.GetTimestamp() + s_spinTicks;
            }
            seen = Volatile.Read(ref s_sequence);
            long before = GC.GetAllocatedBytesForCurrentThread();
            TakeChunks();
            worker.AllocatedBytes += GC.GetAllocatedBytesForCurrentThread() - before;
        }
    }

    /// <summary>The half-open range of <paramref name="count"/> items that chunk <paramref name="chunk"/> of <paramref name="chunks"/> owns, aligned to <paramref name="align"/>.</summary>
    public static (int Start, int End) Range(int count, int chunk, int chunks, int align = 1)
    {
        long blocks = (count + align - 1) / align;
        int start = (int)Math.Min(count, blocks * chunk / chunks * align);
        int end = (int)Math.Min(count, blocks * (chunk + 1) / chunks * align);
        return (start, end);
    }
}
