namespace ModelGen.Mnist.Tests;

/// <summary>
/// Tests that signal child processes and wait for them with a deadline, and the one that trains the ResNet
/// in-process (which keeps both cores busy): they run alone, after the others, so the children are not starved
/// of CPU while the test waits for them.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ProcessTimingGroup
{
    public const string Name = "Process timing";
}
