namespace ModelGen.Tests.Core;

/// <summary>
/// Bytes allocated by repeated runs of an action: on the calling thread, and by kernel work on the
/// worker threads, which count their own (the process-wide counter also sees the test runner's threads).
/// </summary>
/// <remarks>
/// The runtime itself now and then allocates a small object on the calling thread (seen here as one
/// 8 KB allocation buffer, 8136 bytes, in an otherwise empty count, about one run in three while test
/// classes run in parallel; for example when tiered compilation promotes a method). So the count is
/// taken in up to five rounds and the smallest kept: an action that itself allocates does so in every
/// round and still fails.
/// </remarks>
public static class AllocationMeter
{
    private const int Rounds = 5;

    public static long Measure(Action action, int repetitions = 20)
    {
        action(); // warm up: JIT and any first-call initialisation happen outside the count
        action();
        long smallest = long.MaxValue;
        for (int round = 0; round < Rounds && smallest != 0; round++)
        {
            long workers = Kernels.WorkerAllocatedBytes;
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < repetitions; i++) action();
            long thread = GC.GetAllocatedBytesForCurrentThread() - before;
            smallest = Math.Min(smallest, thread + (Kernels.WorkerAllocatedBytes - workers));
        }
        return smallest;
    }
}
