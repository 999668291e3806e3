namespace ModelGen.Tests.Core;

/// <summary>
/// Bytes allocated by repeated runs of an action: on the calling thread, and by kernel work on the
/// worker threads, which count their own (the process-wide counter also sees the test runner's threads).
/// </summary>
public static class AllocationMeter
{
    public static long Measure(Action action, int repetitions = 20)
    {
        action(); // warm up: JIT and any first-call initialisation happen outside the count
        action();
        long workers = Kernels.WorkerAllocatedBytes;
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < repetitions; i++) action();
        long thread = GC.GetAllocatedBytesForCurrentThread() - before;
        return thread + (Kernels.WorkerAllocatedBytes - workers);
    }
}
