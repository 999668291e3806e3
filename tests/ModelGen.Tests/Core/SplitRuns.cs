namespace ModelGen.Tests.Core;

/// <summary>
/// Runs a kernel call until this thread's call really was split across the cores, so that a test compares the parallel
/// path against one core. Another test may hold the cores for a moment, and a call then runs serially on its caller.
/// </summary>
public static class SplitRuns
{
    /// <summary>The result of <paramref name="run"/> once a run was split (or its only run on a one-core machine); fails with <paramref name="failure"/> after 200 tries.</summary>
    public static T UntilSplit<T>(Func<T> run, string failure)
    {
        if (Kernels.Threads == 1) return run();
        for (int attempt = 0; attempt < 200; attempt++)
        {
            long before = Kernels.ParallelCallsOnThisThread;
            T result = run();
            if (Kernels.ParallelCallsOnThisThread > before) return result;
            Thread.Sleep(5);
        }
        Assert.Fail(failure);
        return default!;
    }
}
