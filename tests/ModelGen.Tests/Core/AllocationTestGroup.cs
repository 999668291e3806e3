namespace ModelGen.Tests.Core;

/// <summary>
/// The tests that count allocated bytes run alone, after every other test. When another test uses the
/// kernels at the same time, the worker pool is busy and a kernel call runs serially on its caller's
/// thread instead, which grows that thread's scratch buffers: allocations that belong to the other test's
/// shapes, not to the operation being measured.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class AllocationTestGroup
{
    public const string Name = "Allocation counts";
}
