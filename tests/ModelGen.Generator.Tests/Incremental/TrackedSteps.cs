using Microsoft.CodeAnalysis;

namespace ModelGen.Generator.Tests.Incremental;

/// <summary>Reads the generator's tracked pipeline steps from a run result.</summary>
public static class TrackedSteps
{
    /// <summary>The steps the generator names in <see cref="TrackingNames"/>.</summary>
    public static IReadOnlyList<string> Names { get; } = [TrackingNames.Parse, TrackingNames.Blocks, TrackingNames.BlockUses, TrackingNames.Resolve, TrackingNames.Models, TrackingNames.Diagnostics, TrackingNames.MissingModel];

    /// <summary>Every output of the named step with why it was produced; fails if the step did not run.</summary>
    public static IReadOnlyList<(object Value, IncrementalStepRunReason Reason)> Outputs(GeneratorRunResult result, string stepName)
    {
        Assert.True(result.TrackedSteps.TryGetValue(stepName, out var steps),
            $"The step {stepName} was not tracked; tracked: {string.Join(", ", result.TrackedSteps.Keys)}");
        return steps.SelectMany(step => step.Outputs).ToList();
    }

    public static string Describe(GeneratorRunResult result) =>
        string.Join("\n", Names.Select(name => name + ": " +
            (result.TrackedSteps.TryGetValue(name, out var steps)
                ? string.Join(", ", steps.SelectMany(s => s.Outputs).Select(o => o.Reason))
                : "(not tracked)")));
}
