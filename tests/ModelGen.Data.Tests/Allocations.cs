namespace ModelGen.Data.Tests;

/// <summary>Measures what a piece of code allocates on the current thread.</summary>
internal static class Allocations
{
    /// <summary>Runs <paramref name="action"/> and returns the bytes it allocated and the exception it threw, if any.</summary>
    public static (long Bytes, Exception? Error) Measure(Action action)
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        Exception? error = null;
        try { action(); }
        catch (Exception e) { error = e; }
        return (GC.GetAllocatedBytesForCurrentThread() - before, error);
    }
}
