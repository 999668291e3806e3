namespace ModelGen.Tests.Core;

/// <summary>
/// The exact allocation tests run alone: the kernel workers' allocation counter is process-wide, so a
/// test running in parallel (growing its own per-thread kernel buffers on the workers) would be counted too.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class AllocationCollection
{
    public const string Name = "Exact allocation counts";
}
