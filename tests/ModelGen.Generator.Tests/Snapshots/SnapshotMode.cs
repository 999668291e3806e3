namespace ModelGen.Generator.Tests.Snapshots;

/// <summary>
/// Whether a snapshot mismatch fails the test (the default) or overwrites the verified file.
/// <see cref="IgnoredAccept"/> says why an accept request was refused, for the failure message.
/// </summary>
public sealed record SnapshotMode(bool Accept, string? IgnoredAccept = null)
{
    /// <summary>Set to 1 (or true) to accept every received snapshot as the new verified one.</summary>
    public const string AcceptVariable = "MODELGEN_ACCEPT_SNAPSHOTS";

    public static SnapshotMode Compare { get; } = new(Accept: false);

    public static SnapshotMode AcceptAll { get; } = new(Accept: true);

    /// <summary>
    /// Reads the accept switch; CI never accepts, so a forgotten variable cannot turn a real
    /// regression into a silently rewritten snapshot.
    /// </summary>
    public static SnapshotMode FromEnvironment(Func<string, string?> getVariable)
    {
        if (!IsSet(getVariable(AcceptVariable))) return Compare;
        if (IsSet(getVariable("CI")))
            return new SnapshotMode(Accept: false, IgnoredAccept: $"{AcceptVariable} is ignored because CI=true");
        return AcceptAll;
    }

    private static bool IsSet(string? value) =>
        value is not null && (value.Trim() == "1" || value.Trim().Equals("true", StringComparison.OrdinalIgnoreCase));
}
